// Counters of `mailroom lmtp`, shared by the listener and every session
// process (one MAP_SHARED page made before the first fork; lock-free
// atomics work across processes), shown in the Prometheus text format on
// lmtp.stats_listener and by `mailroom lmtp --stats`.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "lmtp/protocol.hpp"
#include "mailroom/deliver/deliver.hpp"

namespace mailroom::lmtp {

// What became of one recipient, from the reply it got.
enum class Outcome : std::uint8_t {
  delivered,   // 250
  deferred,    // 4xx
  no_user,     // 5.1.1
  over_quota,  // 5.2.2
  too_large,   // 5.3.4
  loop,        // 5.4.6
  rejected,    // 5.7.1 (Sieve) and any other 5xx
};
inline constexpr std::size_t kOutcomes = 7;
// Upper bounds of the delivery time histogram, in milliseconds.
inline constexpr std::array<std::uint64_t, 8> kBucketsMs = {5, 10, 25, 50, 100, 250, 1000, 5000};

// The stages of deliver's pipeline that are timed one by one
// (deliver::StageTimes), in the order they run.
enum class Stage : std::uint8_t { authentication, spam, sieve, store };
inline constexpr std::size_t kStages = 4;
// Upper bounds of the per-stage histograms, in microseconds: a stage
// often takes well under a millisecond, an fsync a few, DNS up to seconds.
inline constexpr std::array<std::uint64_t, 11> kStageBucketsUs = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 5000000};

struct StageHistogram {
  std::array<std::atomic<std::uint64_t>, kStageBucketsUs.size()> bucket{};
  std::atomic<std::uint64_t> sum_us{0};
  std::atomic<std::uint64_t> count{0};
};

struct Counters {
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> refused_connections{0};  // over lmtp.max_connections
  std::atomic<std::uint64_t> messages{0};             // complete DATA
  std::array<std::atomic<std::uint64_t>, kOutcomes> recipients{};
  std::array<std::atomic<std::uint64_t>, kBucketsMs.size()> delivery_ms_bucket{};
  std::atomic<std::uint64_t> delivery_ms_sum{0};
  std::atomic<std::uint64_t> delivery_count{0};
  std::array<StageHistogram, kStages> stages{};  // per recipient, in its delivery process
};

// In shared memory; nullptr when mmap fails (then nothing is counted).
[[nodiscard]] Counters* create_counters() noexcept;

[[nodiscard]] Outcome outcome_of(const Reply& reply);
void count_recipient(Counters* counters, const Reply& reply);
// One delivery (DATA to its reply) that took `elapsed`.
void count_delivery(Counters* counters, std::chrono::milliseconds elapsed);

// The stages one recipient's delivery ran, with their times.
void count_stages(Counters* counters, const deliver::StageTimes& times);

// The Prometheus text exposition format (version 0.0.4).
[[nodiscard]] std::string prometheus_text(const Counters& counters);

}  // namespace mailroom::lmtp
