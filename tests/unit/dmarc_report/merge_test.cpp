// Merged reports on Redis (merge.hpp) against a real redis-server started
// here: publishing replaces (a rerun never double-counts), the union of the
// hosts' records, who has not published, and the claim that lets one sender
// of two send a report. Without redis-server the tests skip, except under
// scripts/test (skip_or_fail.hpp).
#include "dmarc_report/merge.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mailroom/dmarc_report/record.hpp"
#include "unit/redis_server.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::dmarc_report {
namespace {

class MergeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_.start(); }
  static void TearDownTestSuite() { server_.stop(); }

  void SetUp() override {
    if (!server_.running())
      MAILROOM_SKIP_OR_FAIL() << test::RedisServer::kServer
                              << " did not start (Debian redis-server)";
    spool_ = std::filesystem::temp_directory_path() /
             ("mailroom-merge-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(spool_);
  }
  void TearDown() override { std::filesystem::remove_all(spool_); }

  MergeOptions options(const std::string& host) const {
    MergeOptions o;
    o.url = server_.url();
    o.prefix =
        std::string("t:") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ":";
    o.host = host;
    o.hosts = {"mxa", "mxb"};
    return o;
  }
  MergeStore open(const std::string& host) const {
    auto store = MergeStore::connect(options(host));
    EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
    return std::move(*store);
  }
  // <spool>/2026-12-06.records with `count` records from `ip`.
  void write_day(std::size_t count, const std::string& ip) const {
    std::ofstream out(spool_ / "2026-12-06.records", std::ios::trunc);
    DeliveryRecord r;
    r.time = 1796558400;
    r.source_ip = ip;
    r.header_from = r.policy_domain = "example.com";
    r.disposition = "none";
    for (std::size_t i = 0; i < count; ++i) out << encode(r);
  }

  static inline test::RedisServer server_;
  std::filesystem::path spool_;
};

TEST_F(MergeTest, PublishingAgainReplacesAndTheUnionHasEveryHost) {
  auto a = open("mxa");
  write_day(2, "192.0.2.1");
  ASSERT_TRUE(a.publish(spool_, {"2026-12-06"}, 100).has_value());
  write_day(3, "192.0.2.1");  // more deliveries since
  ASSERT_TRUE(a.publish(spool_, {"2026-12-06"}, 200).has_value());
  auto b = open("mxb");
  write_day(4, "192.0.2.2");
  ASSERT_TRUE(b.publish(spool_, {"2026-12-06"}, 150).has_value());

  auto records = a.records("2026-12-06");
  ASSERT_TRUE(records.has_value()) << records.error().message;
  EXPECT_EQ(records->records.size(), 7U);  // 3 of mxa (not 2 + 3), 4 of mxb
  auto days = a.days();
  ASSERT_TRUE(days.has_value());
  EXPECT_EQ(*days, std::vector<std::string>{"2026-12-06"});
}

TEST_F(MergeTest, MissingNamesTheHostsNotPublishedSinceTheEnd) {
  auto a = open("mxa");
  ASSERT_TRUE(a.publish(spool_, {}, 1000).has_value());
  ASSERT_TRUE(a.load_published().has_value());
  EXPECT_EQ(a.missing(900), std::vector<std::string>{"mxb"});  // never published
  auto b = open("mxb");
  ASSERT_TRUE(b.publish(spool_, {}, 950).has_value());
  ASSERT_TRUE(a.load_published().has_value());
  EXPECT_TRUE(a.missing(900).empty());
  EXPECT_EQ(a.missing(990), std::vector<std::string>{"mxb"});  // published before 990
}

TEST_F(MergeTest, OnlyOneOfTwoSendersClaimsAReport) {
  auto first = open("mxa");
  auto second = open("mxa");  // a second host configured as sender too
  auto claimed = first.claim("2026-12-06", "example.com", 100);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_TRUE(*claimed);
  claimed = second.claim("2026-12-06", "example.com", 101);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_FALSE(*claimed);
  // A failed send gives it back; the next run claims it.
  ASSERT_TRUE(first.release("2026-12-06", "example.com").has_value());
  claimed = second.claim("2026-12-06", "example.com", 102);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_TRUE(*claimed);
  ASSERT_TRUE(second.mark("2026-12-06", "example.com", "sent X\n").has_value());
  auto marker = first.marker("2026-12-06", "example.com");
  ASSERT_TRUE(marker.has_value());
  EXPECT_EQ(*marker, "sent X\n");
  EXPECT_FALSE(*first.claim("2026-12-06", "example.com", 103));
}

}  // namespace
}  // namespace mailroom::dmarc_report
