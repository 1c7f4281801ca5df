// Times are given, never waited for: the throttle is pure.
#include <gtest/gtest.h>

#include "mailroom/server/passdb.hpp"

namespace mailroom::server {
namespace {

using namespace std::chrono_literals;

LoginThrottle::Policy policy() {
  LoginThrottle::Policy p;
  p.base_delay = 1s;
  p.max_delay = 8s;
  p.max_failures = 4;
  p.window = 900s;
  return p;
}

TEST(LoginThrottle, DelayDoublesPerFailureUpToTheCap) {
  LoginThrottle throttle(policy());
  auto t = LoginThrottle::Clock::time_point{} + 10000s;
  EXPECT_EQ(throttle.delay("192.0.2.1", "alice", t), 0ms);
  std::chrono::milliseconds expected[] = {1000ms, 2000ms, 4000ms, 8000ms, 8000ms};
  for (auto want : expected) {
    throttle.failed("192.0.2.1", "alice", t);
    EXPECT_EQ(throttle.delay("192.0.2.1", "alice", t), want);
  }
}

TEST(LoginThrottle, CountsPerAddressAndPerUser) {
  LoginThrottle throttle(policy());
  auto t = LoginThrottle::Clock::time_point{} + 10000s;
  for (int i = 0; i < 4; ++i) throttle.failed("192.0.2.1", "user" + std::to_string(i), t);
  EXPECT_TRUE(throttle.refused("192.0.2.1", "someone", t)) << "one address guessing many users";
  EXPECT_FALSE(throttle.refused("192.0.2.2", "someone", t));
  for (int i = 0; i < 4; ++i) throttle.failed("198.51.100." + std::to_string(i), "bob", t);
  EXPECT_TRUE(throttle.refused("203.0.113.9", "bob", t)) << "many addresses guessing one user";
}

TEST(LoginThrottle, ForgetsAfterTheWindowAndOnSuccessForTheUserOnly) {
  LoginThrottle throttle(policy());
  auto t = LoginThrottle::Clock::time_point{} + 10000s;
  for (int i = 0; i < 4; ++i) throttle.failed("192.0.2.1", "alice", t);
  EXPECT_TRUE(throttle.refused("192.0.2.1", "alice", t + 899s));
  EXPECT_FALSE(throttle.refused("192.0.2.1", "alice", t + 901s));
  for (int i = 0; i < 4; ++i) throttle.failed("192.0.2.1", "alice", t);
  throttle.succeeded("alice");
  EXPECT_FALSE(throttle.refused("192.0.2.9", "alice", t));
  EXPECT_TRUE(throttle.refused("192.0.2.1", "carol", t)) << "the address keeps its count";
}

}  // namespace
}  // namespace mailroom::server
