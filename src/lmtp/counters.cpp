#include "lmtp/counters.hpp"

#include <sys/mman.h>

#include <new>

namespace mailroom::lmtp {
namespace {

constexpr const char* kOutcomeNames[kOutcomes] = {"delivered", "deferred", "no_user", "over_quota",
                                                  "too_large", "loop",     "rejected"};
constexpr const char* kStageNames[kStages] = {"authentication", "spam", "sieve", "store"};

void add(std::atomic<std::uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

std::string value(const std::atomic<std::uint64_t>& counter) {
  return std::to_string(counter.load(std::memory_order_relaxed));
}

void count_stage(StageHistogram& histogram, std::chrono::microseconds spent) {
  const auto us = static_cast<std::uint64_t>(spent.count() < 0 ? 0 : spent.count());
  for (std::size_t i = 0; i < kStageBucketsUs.size(); ++i)
    if (us <= kStageBucketsUs[i]) add(histogram.bucket[i]);
  histogram.sum_us.fetch_add(us, std::memory_order_relaxed);
  add(histogram.count);
}

}  // namespace

Counters* create_counters() noexcept {
  void* memory =
      ::mmap(nullptr, sizeof(Counters), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  return new (memory) Counters();
}

Outcome outcome_of(const Reply& reply) {
  if (reply.code / 100 == 2) return Outcome::delivered;
  if (reply.code / 100 == 4) return Outcome::deferred;
  if (reply.status == "5.1.1") return Outcome::no_user;
  if (reply.status == "5.2.2") return Outcome::over_quota;
  if (reply.status == "5.3.4") return Outcome::too_large;
  if (reply.status == "5.4.6") return Outcome::loop;
  return Outcome::rejected;
}

void count_recipient(Counters* counters, const Reply& reply) {
  if (counters != nullptr) add(counters->recipients[static_cast<std::size_t>(outcome_of(reply))]);
}

void count_delivery(Counters* counters, std::chrono::milliseconds elapsed) {
  if (counters == nullptr) return;
  const auto ms = static_cast<std::uint64_t>(elapsed.count() < 0 ? 0 : elapsed.count());
  for (std::size_t i = 0; i < kBucketsMs.size(); ++i)
    if (ms <= kBucketsMs[i]) add(counters->delivery_ms_bucket[i]);
  counters->delivery_ms_sum.fetch_add(ms, std::memory_order_relaxed);
  add(counters->delivery_count);
}

void count_stages(Counters* counters, const deliver::StageTimes& times) {
  if (counters == nullptr) return;
  const std::optional<std::chrono::microseconds> spent[kStages] = {times.authentication, times.spam,
                                                                   times.sieve, times.store};
  for (std::size_t i = 0; i < kStages; ++i)
    if (spent[i]) count_stage(counters->stages[i], *spent[i]);
}

namespace {

// "0.0005", "1", "0.25": a bucket bound in seconds, as Prometheus reads it.
std::string seconds_text(std::uint64_t us) {
  std::string text = std::to_string(us / 1000000);
  if (auto fraction = us % 1000000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 6 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text;
}

std::string stage_text(const Counters& counters) {
  std::string out;
  out +=
      "# HELP mailroom_lmtp_stage_seconds Time of each stage of a recipient's delivery: "
      "authentication (SPF, DKIM, DMARC, ARC), spam scoring, Sieve, and the Maildir write "
      "with its fsyncs.\n";
  out += "# TYPE mailroom_lmtp_stage_seconds histogram\n";
  for (std::size_t s = 0; s < kStages; ++s) {
    const StageHistogram& histogram = counters.stages[s];
    const std::string stage = std::string("stage=\"") + kStageNames[s] + "\"";
    for (std::size_t i = 0; i < kStageBucketsUs.size(); ++i)
      out += "mailroom_lmtp_stage_seconds_bucket{" + stage + ",le=\"" +
             seconds_text(kStageBucketsUs[i]) + "\"} " + value(histogram.bucket[i]) + "\n";
    out += "mailroom_lmtp_stage_seconds_bucket{" + stage + ",le=\"+Inf\"} " +
           value(histogram.count) + "\n";
    out += "mailroom_lmtp_stage_seconds_sum{" + stage + "} " +
           std::to_string(static_cast<double>(histogram.sum_us.load()) / 1e6) + "\n";
    out += "mailroom_lmtp_stage_seconds_count{" + stage + "} " + value(histogram.count) + "\n";
  }
  return out;
}

}  // namespace

std::string prometheus_text(const Counters& counters) {
  std::string out;
  out += "# HELP mailroom_lmtp_connections_total LMTP connections accepted.\n";
  out += "# TYPE mailroom_lmtp_connections_total counter\n";
  out += "mailroom_lmtp_connections_total " + value(counters.connections) + "\n";
  out +=
      "# HELP mailroom_lmtp_refused_connections_total Connections refused over "
      "lmtp.max_connections.\n";
  out += "# TYPE mailroom_lmtp_refused_connections_total counter\n";
  out += "mailroom_lmtp_refused_connections_total " + value(counters.refused_connections) + "\n";
  out += "# HELP mailroom_lmtp_messages_total Messages received (DATA complete).\n";
  out += "# TYPE mailroom_lmtp_messages_total counter\n";
  out += "mailroom_lmtp_messages_total " + value(counters.messages) + "\n";
  out += "# HELP mailroom_lmtp_recipients_total Recipients by what became of them.\n";
  out += "# TYPE mailroom_lmtp_recipients_total counter\n";
  for (std::size_t i = 0; i < kOutcomes; ++i)
    out += std::string("mailroom_lmtp_recipients_total{result=\"") + kOutcomeNames[i] + "\"} " +
           value(counters.recipients[i]) + "\n";
  out += "# HELP mailroom_lmtp_delivery_seconds Time from the end of DATA to the reply.\n";
  out += "# TYPE mailroom_lmtp_delivery_seconds histogram\n";
  for (std::size_t i = 0; i < kBucketsMs.size(); ++i)
    out += "mailroom_lmtp_delivery_seconds_bucket{le=\"" +
           std::to_string(static_cast<double>(kBucketsMs[i]) / 1000).substr(0, 5) + "\"} " +
           value(counters.delivery_ms_bucket[i]) + "\n";
  out +=
      "mailroom_lmtp_delivery_seconds_bucket{le=\"+Inf\"} " + value(counters.delivery_count) + "\n";
  out += "mailroom_lmtp_delivery_seconds_sum " +
         std::to_string(static_cast<double>(counters.delivery_ms_sum.load()) / 1000) + "\n";
  out += "mailroom_lmtp_delivery_seconds_count " + value(counters.delivery_count) + "\n";
  out += stage_text(counters);
  return out;
}

}  // namespace mailroom::lmtp
