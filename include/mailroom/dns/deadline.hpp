// A point in time after which a DNS answer is no longer useful. Every query
// takes one, so the whole message (SPF, DKIM, DMARC, ARC) shares one time
// budget and DNS never pushes a delivery past the MTA's patience.
#pragma once

#include <algorithm>
#include <chrono>

namespace mailroom::dns {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  static Deadline after(Clock::duration budget) { return Deadline(Clock::now() + budget); }
  static Deadline never() { return Deadline(Clock::time_point::max()); }
  static Deadline at(Clock::time_point when) { return Deadline(when); }

  [[nodiscard]] Clock::time_point when() const { return when_; }
  [[nodiscard]] bool expired() const { return Clock::now() >= when_; }
  [[nodiscard]] bool is_never() const { return when_ == Clock::time_point::max(); }

  // Time left, never negative.
  [[nodiscard]] Clock::duration remaining() const {
    if (is_never()) return Clock::duration::max();
    auto now = Clock::now();
    return now >= when_ ? Clock::duration::zero() : when_ - now;
  }

  // The earlier of two deadlines: a per-query timeout inside a message budget.
  [[nodiscard]] Deadline min(Deadline other) const {
    return Deadline(std::min(when_, other.when_));
  }

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}
  Clock::time_point when_;
};

}  // namespace mailroom::dns
