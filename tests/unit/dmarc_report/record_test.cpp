// Delivery records: what a delivery writes and `dmarc send` reads back.
#include "mailroom/dmarc_report/record.hpp"

#include <gtest/gtest.h>

#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/dmarc_report/recorder.hpp"

namespace mailroom::dmarc_report {
namespace {

DeliveryRecord sample() {
  DeliveryRecord r;
  r.time = 1796601600;
  r.source_ip = "192.0.2.10";
  r.header_from = "example.com";
  r.envelope_from = "example.com";
  r.policy_domain = "example.com";
  r.policy_record = "v=DMARC1; p=reject; rua=mailto:d@example.com";
  r.disposition = "none";
  r.dkim_aligned = true;
  r.spf_aligned = false;
  r.spf_domain = "example.com";
  r.spf_scope = "mfrom";
  r.spf_result = "softfail";
  r.dkim = {{"example.com", "rsa", "pass"}, {"esp.example", "s1", "fail"}};
  return r;
}

TEST(DmarcRecord, RoundTrips) {
  auto line = encode(sample());
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto back = decode(line);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, sample());
}

// A hostile signature cannot add fields, items or lines.
TEST(DmarcRecord, HostileValuesStayInTheirField) {
  auto r = sample();
  r.dkim = {{"evil\t1\n2", "a:b,c%d", "pass"}};
  r.reason_comment = "tab\there";
  auto line = encode(r);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto back = decode(line);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
}

TEST(DmarcRecord, RefusesWhatIsNotARecord) {
  for (std::string_view bad : {"", "2\tx", "1\t1\t2", "garbage\n"})
    EXPECT_FALSE(decode(bad)) << bad;
  auto line = encode(sample());
  EXPECT_FALSE(decode(line.substr(0, line.size() / 2)));  // a write cut short
  auto bad_escape = line;
  bad_escape.insert(bad_escape.find("rsa"), "%Z");
  EXPECT_FALSE(decode(bad_escape));
}

TEST(DmarcRecord, ManySignaturesAreCutUnderTheLimit) {
  auto r = sample();
  r.dkim.assign(500, {"long-domain.example.com", "selector2026", "fail"});
  auto line = encode(r);
  EXPECT_LE(line.size(), kMaxRecordBytes);
  auto back = decode(line);
  ASSERT_TRUE(back);
  EXPECT_LT(back->dkim.size(), 500U);
  EXPECT_GT(back->dkim.size(), 10U);
}

auth::AuthResults results_with(std::string_view record_text) {
  auth::AuthResults results;
  auto record = auth::parse_dmarc_record(record_text);
  EXPECT_TRUE(record);
  results.dmarc.record = *record;
  results.dmarc.record_text = std::string(record_text);
  results.dmarc.record_domain = "example.com";
  results.dmarc.from_domain = "mail.example.com";
  results.dmarc.code = auth::DmarcCode::fail;
  results.dmarc.policy = record->policy;
  auth::SpfResult spf;
  spf.code = auth::SpfCode::fail;
  results.spf = spf;
  results.spf_identity_value = "Bounce@ESP.example";
  return results;
}

TEST(DmarcRecord, FromResults) {
  auto results = results_with("v=DMARC1; p=quarantine; rua=mailto:d@example.com");
  auto r = record_from(results, "198.51.100.1", "Bounce@ESP.example", 42);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->source_ip, "198.51.100.1");
  EXPECT_EQ(r->header_from, "mail.example.com");
  EXPECT_EQ(r->envelope_from, "esp.example");
  EXPECT_EQ(r->policy_domain, "example.com");
  EXPECT_EQ(r->disposition, "quarantine");
  EXPECT_EQ(r->spf_domain, "esp.example");
  EXPECT_EQ(r->spf_scope, "mfrom");
  EXPECT_EQ(r->spf_result, "fail");
}

// An MDA cannot refuse after SMTP: p=reject is reported as the quarantine
// it is, with the reason.
TEST(DmarcRecord, RejectIsReportedAsQuarantineWithReason) {
  auto results = results_with("v=DMARC1; p=reject; rua=mailto:d@example.com");
  auto r = record_from(results, "198.51.100.1", "", 42);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->disposition, "quarantine");
  EXPECT_EQ(r->reason, "local_policy");
  EXPECT_EQ(r->envelope_from, "");
}

TEST(DmarcRecord, SampledOutSaysSo) {
  auto results = results_with("v=DMARC1; p=quarantine; pct=10; rua=mailto:d@example.com");
  results.dmarc.policy = auth::DmarcPolicy::none;
  results.dmarc.sampled_out = true;
  auto r = record_from(results, "198.51.100.1", "a@b.example", 42);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->disposition, "none");
  EXPECT_EQ(r->reason, "sampled_out");
  EXPECT_EQ(r->reason_comment, "pct=10");
}

TEST(DmarcRecord, NothingWithoutRuaOrClient) {
  EXPECT_FALSE(record_from(results_with("v=DMARC1; p=reject"), "192.0.2.1", "a@b", 1));
  EXPECT_FALSE(
      record_from(results_with("v=DMARC1; p=reject; rua=mailto:d@example.com"), "", "a@b", 1));
  EXPECT_FALSE(record_from(auth::AuthResults{}, "192.0.2.1", "a@b", 1));
}

TEST(DmarcRecord, DayOf) {
  EXPECT_EQ(day_of(0), "1970-01-01");
  EXPECT_EQ(day_of(1796601599), "2026-12-06");
  EXPECT_EQ(day_of(1796601600), "2026-12-07");
  EXPECT_EQ(day_of(951782400), "2000-02-29");
}

}  // namespace
}  // namespace mailroom::dmarc_report
