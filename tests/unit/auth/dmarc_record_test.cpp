// DMARC record syntax: must-parse and must-fail tables side by side.
#include <gtest/gtest.h>

#include <string>

#include "mailroom/auth/dmarc_record.hpp"

namespace mailroom::auth {
namespace {

TEST(DmarcRecord, FullRecord) {
  auto r = parse_dmarc_record(
      "v=DMARC1; p=quarantine; sp=reject; pct=25; adkim=s; aspf=s; "
      "rua=mailto:agg@example.com!10m,mailto:b@example.net; ruf=mailto:f@example.com; "
      "fo=1:d; rf=afrf; ri=3600; future=ignored");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->policy, DmarcPolicy::quarantine);
  EXPECT_EQ(r->subdomain_policy, DmarcPolicy::reject);
  EXPECT_EQ(r->percent, 25u);
  EXPECT_EQ(r->dkim_alignment, DmarcAlignment::strict);
  EXPECT_EQ(r->spf_alignment, DmarcAlignment::strict);
  ASSERT_EQ(r->aggregate_reports.size(), 2u);
  EXPECT_EQ(r->aggregate_reports[0].uri, "mailto:agg@example.com");
  EXPECT_EQ(r->aggregate_reports[0].max_bytes, std::uint64_t{10} << 20);
  EXPECT_EQ(r->failure_reports.size(), 1u);
  EXPECT_EQ(r->failure_options, "1:d");
  EXPECT_EQ(r->report_interval, 3600u);
  EXPECT_EQ(r->policy_for(true), DmarcPolicy::reject);
  EXPECT_EQ(r->policy_for(false), DmarcPolicy::quarantine);
}

TEST(DmarcRecord, Defaults) {
  auto r = parse_dmarc_record("v=DMARC1;p=reject");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->percent, 100u);
  EXPECT_EQ(r->dkim_alignment, DmarcAlignment::relaxed);
  EXPECT_EQ(r->spf_alignment, DmarcAlignment::relaxed);
  EXPECT_FALSE(r->subdomain_policy);
  EXPECT_EQ(r->policy_for(true), DmarcPolicy::reject);
  EXPECT_FALSE(r->policy_defaulted);
}

struct Good {
  const char* text;
  DmarcPolicy policy;
};

TEST(DmarcRecord, MustParse) {
  const Good cases[] = {
      {"v=DMARC1; p=none", DmarcPolicy::none},
      {"v=DMARC1; p=none;", DmarcPolicy::none},
      {"  v = DMARC1 ;  p = Reject ; ", DmarcPolicy::reject},
      {"v=DMARC1; P=QUARANTINE", DmarcPolicy::quarantine},
      {"v=DMARC1; p=reject; pct=0", DmarcPolicy::reject},
      {"v=DMARC1; p=reject; x_unknown=whatever", DmarcPolicy::reject},
      // §6.6.3 step 6: no valid p=, but a valid rua=: read as p=none.
      {"v=DMARC1; rua=mailto:r@example.com", DmarcPolicy::none},
      {"v=DMARC1; p=bogus; rua=mailto:r@example.com", DmarcPolicy::none},
      {"v=DMARC1; p=reject; rua=not a uri", DmarcPolicy::reject},  // bad URI skipped
  };
  for (const auto& c : cases) {
    auto r = parse_dmarc_record(c.text);
    ASSERT_TRUE(r) << c.text << ": " << r.error().describe();
    EXPECT_EQ(r->policy, c.policy) << c.text;
  }
}

struct Bad {
  const char* text;
  DmarcRecordErrorCode code;
  std::size_t offset;
};

TEST(DmarcRecord, MustFail) {
  const Bad cases[] = {
      {"", DmarcRecordErrorCode::not_dmarc, 0},
      {"v=spf1 -all", DmarcRecordErrorCode::not_dmarc, 0},
      {"p=reject; v=DMARC1", DmarcRecordErrorCode::not_dmarc, 0},
      {"v=dmarc1; p=reject", DmarcRecordErrorCode::not_dmarc, 0},  // version is case-sensitive
      {"v=DMARC10; p=reject", DmarcRecordErrorCode::not_dmarc, 0},
      {"v=DMARC1", DmarcRecordErrorCode::missing_policy, 0},
      {"v=DMARC1; p=bogus", DmarcRecordErrorCode::missing_policy, 12},
      {"v=DMARC1; p=reject; sp=bogus", DmarcRecordErrorCode::missing_policy, 12},
      {"v=DMARC1; p=reject; pct=101", DmarcRecordErrorCode::invalid_value, 24},
      {"v=DMARC1; p=reject; pct=-1", DmarcRecordErrorCode::invalid_value, 24},
      {"v=DMARC1; p=reject; adkim=x", DmarcRecordErrorCode::invalid_value, 26},
      {"v=DMARC1; p=reject; fo=2", DmarcRecordErrorCode::invalid_value, 23},
      {"v=DMARC1; p=reject; ri=99999999999", DmarcRecordErrorCode::invalid_value, 23},
      {"v=DMARC1; p=reject; p=none", DmarcRecordErrorCode::duplicate_tag, 20},
      {"v=DMARC1; p=reject; v=DMARC1", DmarcRecordErrorCode::duplicate_tag, 20},
      {"v=DMARC1; p reject", DmarcRecordErrorCode::bad_syntax, 12},
      {"v=DMARC1; =reject", DmarcRecordErrorCode::bad_syntax, 10},
  };
  for (const auto& c : cases) {
    auto r = parse_dmarc_record(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().code, c.code) << c.text << ": " << r.error().describe();
    EXPECT_EQ(r.error().offset, c.offset) << c.text << ": " << r.error().describe();
  }
}

TEST(DmarcRecord, Limits) {
  DmarcLimits limits;
  limits.max_bytes = 32;
  auto r = parse_dmarc_record("v=DMARC1; p=reject; rua=mailto:a@example.com", limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DmarcRecordErrorCode::too_long);

  std::string many = "v=DMARC1; p=none";
  for (int i = 0; i < 40; ++i) many += "; x" + std::to_string(i) + "=1";
  r = parse_dmarc_record(many);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DmarcRecordErrorCode::too_many_tags);

  std::string uris = "v=DMARC1; p=none; rua=mailto:a@b.c";
  for (int i = 0; i < 20; ++i) uris += ",mailto:a@b.c";
  r = parse_dmarc_record(uris);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DmarcRecordErrorCode::too_many_tags);
}

TEST(DmarcRecord, Recognition) {
  EXPECT_TRUE(is_dmarc_record("v=DMARC1; p=none"));
  EXPECT_TRUE(is_dmarc_record("v = DMARC1"));
  EXPECT_FALSE(is_dmarc_record("v=DMARC1x"));
  EXPECT_FALSE(is_dmarc_record("google-site-verification=abc"));
}

}  // namespace
}  // namespace mailroom::auth
