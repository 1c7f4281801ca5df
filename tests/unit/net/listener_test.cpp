#include "mailroom/net/listener.hpp"

#include <gtest/gtest.h>

#include "mailroom/net/server.hpp"

namespace mailroom::net {
namespace {

TEST(Listener, ParsesProtocolAddressAndPort) {
  auto plain = parse_listener("pop3://127.0.0.1:110", {"pop3"});
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->protocol, "pop3");
  EXPECT_EQ(plain->address, "127.0.0.1");
  EXPECT_EQ(plain->port, 110);
  EXPECT_FALSE(plain->implicit_tls);
  auto tls = parse_listener("pop3s://[::1]:995", {"pop3"});
  ASSERT_TRUE(tls) << tls.error().message;
  EXPECT_EQ(tls->address, "::1");
  EXPECT_TRUE(tls->implicit_tls);
}

TEST(Listener, RefusesWhatItCannotListenOn) {
  for (const char* bad : {"pop3", "pop3 127.0.0.1:110", "imap://127.0.0.1:143",
                          "pop3://localhost:110", "pop3://127.0.0.1:0", "pop3://127.0.0.1:65536",
                          "pop3://127.0.0.1:11x", "pop3x://127.0.0.1:1", "pop3://::1:110"}) {
    EXPECT_FALSE(parse_listener(bad, {"pop3"})) << bad;
  }
}

TEST(Listener, LoopbackAddresses) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.1.2.3"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_TRUE(is_loopback("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("::ffff:10.0.0.1"));
  EXPECT_FALSE(is_loopback("garbage"));
}

TEST(ConnectionCounter, LimitsEachAddressOnItsOwn) {
  ConnectionCounter counter(2);
  EXPECT_TRUE(counter.try_add("192.0.2.1"));
  EXPECT_TRUE(counter.try_add("192.0.2.1"));
  EXPECT_FALSE(counter.try_add("192.0.2.1"));
  EXPECT_TRUE(counter.try_add("192.0.2.2"));
  counter.remove("192.0.2.1");
  EXPECT_TRUE(counter.try_add("192.0.2.1"));
  EXPECT_EQ(counter.total(), 3U);
}

}  // namespace
}  // namespace mailroom::net
