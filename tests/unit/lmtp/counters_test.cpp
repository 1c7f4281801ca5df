// The counters and their Prometheus text.
#include "lmtp/counters.hpp"

#include <gtest/gtest.h>

namespace mailroom::lmtp {
namespace {

TEST(LmtpCounters, ClassifiesRepliesByOutcome) {
  EXPECT_EQ(outcome_of({250, "2.0.0", ""}), Outcome::delivered);
  EXPECT_EQ(outcome_of({451, "4.3.0", ""}), Outcome::deferred);
  EXPECT_EQ(outcome_of({450, "4.2.2", ""}), Outcome::deferred);
  EXPECT_EQ(outcome_of({550, "5.1.1", ""}), Outcome::no_user);
  EXPECT_EQ(outcome_of({552, "5.2.2", ""}), Outcome::over_quota);
  EXPECT_EQ(outcome_of({552, "5.3.4", ""}), Outcome::too_large);
  EXPECT_EQ(outcome_of({554, "5.4.6", ""}), Outcome::loop);
  EXPECT_EQ(outcome_of({550, "5.7.1", ""}), Outcome::rejected);
}

TEST(LmtpCounters, SharedCountersShowInPrometheusText) {
  Counters* counters = create_counters();
  ASSERT_NE(counters, nullptr);
  count_recipient(counters, {250, "2.0.0", ""});
  count_recipient(counters, {250, "2.0.0", ""});
  count_recipient(counters, {550, "5.1.1", ""});
  count_delivery(counters, std::chrono::milliseconds(7));
  count_delivery(counters, std::chrono::milliseconds(3000));
  const std::string text = prometheus_text(*counters);
  EXPECT_NE(text.find("mailroom_lmtp_recipients_total{result=\"delivered\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("mailroom_lmtp_recipients_total{result=\"no_user\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("mailroom_lmtp_recipients_total{result=\"loop\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("mailroom_lmtp_delivery_seconds_bucket{le=\"0.005\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("mailroom_lmtp_delivery_seconds_bucket{le=\"0.010\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("mailroom_lmtp_delivery_seconds_bucket{le=\"5.000\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("mailroom_lmtp_delivery_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("mailroom_lmtp_delivery_seconds_sum 3.007"), std::string::npos);
  EXPECT_NE(text.find("mailroom_lmtp_delivery_seconds_count 2\n"), std::string::npos);
}

TEST(LmtpCounters, StagesThatRanAreTimedInTheirBuckets) {
  Counters* counters = create_counters();
  ASSERT_NE(counters, nullptr);
  deliver::StageTimes times;
  times.spam = std::chrono::microseconds(700);
  times.store = std::chrono::microseconds(4000);
  count_stages(counters, times);
  times.store = std::chrono::microseconds(2000000);
  count_stages(counters, times);
  const std::string text = prometheus_text(*counters);
  auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has("# TYPE mailroom_lmtp_stage_seconds histogram")) << text;
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_count{stage=\"authentication\"} 0"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_count{stage=\"sieve\"} 0"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_bucket{stage=\"spam\",le=\"0.0005\"} 0"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_bucket{stage=\"spam\",le=\"0.001\"} 2"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_sum{stage=\"spam\"} 0.001400"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_bucket{stage=\"store\",le=\"0.005\"} 1"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_bucket{stage=\"store\",le=\"1\"} 1"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_bucket{stage=\"store\",le=\"5\"} 2"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_bucket{stage=\"store\",le=\"+Inf\"} 2"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_sum{stage=\"store\"} 2.004000"));
  EXPECT_TRUE(has("mailroom_lmtp_stage_seconds_count{stage=\"store\"} 2"));
}

}  // namespace
}  // namespace mailroom::lmtp
