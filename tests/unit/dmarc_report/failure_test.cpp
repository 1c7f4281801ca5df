// Failure reports (failure.hpp): fo= choosing them, redaction (RFC 6590),
// the spool line, and sending through `dmarc send` (rate limit, off by
// default, once).
#include "mailroom/dmarc_report/failure.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dmarc_report/failure_send.hpp"
#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/dmarc_report/send.hpp"
#include "mailroom/dns/static_resolver.hpp"
#include "spool_fixture.hpp"

namespace mailroom::dmarc_report {
namespace {

constexpr std::int64_t kDec7 = 1796601600;  // 2026-12-07 00:00:00 UTC

TEST(DmarcFailure, RedactsLocalPartsOutsideTheReportedDomain) {
  EXPECT_EQ(redact_addresses("To: Secret <joe@example.net>", "example.com"),
            "To: Secret <redacted@example.net>");
  EXPECT_EQ(redact_addresses("From: a@example.com, b@mail.EXAMPLE.com", "example.com"),
            "From: a@example.com, b@mail.EXAMPLE.com");
  EXPECT_EQ(redact_addresses("x c@notexample.com", "example.com"), "x redacted@notexample.com");
  EXPECT_EQ(redact_addresses("spf=fail smtp.mailfrom=joe.q+tag@x.net;", "example.com"),
            "spf=fail smtp.mailfrom=redacted@x.net;");
  EXPECT_EQ(redact_addresses("\"joe q\"@x.net and ann@y.org", "example.com"),
            "redacted@x.net and redacted@y.org");
  // Atoms before a quoted string go with it (fuzz_dmarc_failure found the
  // byte before it left behind, so that a second redaction took it).
  EXPECT_EQ(redact_addresses("To: \"Joe Q\" \xbc\"joe q\"@x.net", ""),
            "To: \"Joe Q\" redacted@x.net");
  EXPECT_EQ(redact_addresses("a.\"b c\"@x.net", ""), "redacted@x.net");
  EXPECT_EQ(redact_addresses(":r@%x@e", ""), ":r@%x@e");  // not an address: left whole
  for (std::string_view kept : {"@x.net", "a@", "no address", "", "a@@b"})
    EXPECT_EQ(redact_addresses(kept, "example.com"), kept);
  // Received: ... for <user@host>: the recipient goes too.
  EXPECT_EQ(redact_addresses("by mx with ESMTP id 1\n\tfor <user@mx.example.net>; Mon", ""),
            "by mx with ESMTP id 1\n\tfor <redacted@mx.example.net>; Mon");
}

TEST(DmarcFailure, SpoolLineRoundTrips) {
  FailureRecord r{kDec7,
                  "example.com",
                  "v=DMARC1; p=none; ruf=mailto:r@example.com",
                  "example.com",
                  "dmarc",
                  "192.0.2.1",
                  "Feedback-Type: auth-failure\nX: 100%\n",
                  "Subject: a\tb\r\n\tc\n"};
  const auto line = encode_failure(r);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto back = decode_failure(line);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);
  EXPECT_FALSE(decode_failure("1\t2\t3\n"));                    // an aggregate record
  EXPECT_FALSE(decode_failure("F1\tx\ta\tb\tc\td\te\tf\tg"));   // bad time
  EXPECT_FALSE(decode_failure("F1\t1\t%4\tb\tc\td\te\tf\tg"));  // bad escape
}

class FailureRecords : public ::testing::Test {
 protected:
  // A result as authenticate() leaves it: `fo` in the record, SPF `spf`,
  // one DKIM signature `dkim`, aligned passes as given.
  std::vector<std::string> types(const std::string& fo, auth::DmarcCode code, auth::SpfCode spf,
                                 auth::DkimStatus dkim, bool spf_aligned, bool dkim_aligned) {
    auth::AuthResults results;
    results.dmarc.record_text = "v=DMARC1; p=none; ruf=mailto:r@example.com; fo=" + fo;
    auto record = auth::parse_dmarc_record(results.dmarc.record_text);
    if (record) results.dmarc.record = *record;
    results.dmarc.code = code;
    results.dmarc.from_domain = results.dmarc.org_domain = results.dmarc.record_domain =
        "example.com";
    results.dmarc.spf_aligned = spf_aligned;
    results.dmarc.dkim_aligned = dkim_aligned;
    results.spf = auth::SpfResult{};
    results.spf->code = spf;
    results.dkim.push_back({});
    results.dkim.back().status = dkim;
    results.dkim.back().domain = "example.com";
    results.dkim.back().selector = "sel";
    auto message = message::Message::parse(std::make_shared<const message::Buffer>(
        message::Buffer::from_string("From: a@example.com\nTo: bob@example.net\n\nbody\n")));
    auto records = failure_records(
        {results, message, client_ip_, "a@example.com", "bob@example.net", "delivered", kDec7});
    std::vector<std::string> out;
    for (const auto& r : records) {
      out.push_back(r.auth_failure);
      last_ = r;
    }
    return out;
  }
  std::string client_ip_ = "192.0.2.1";
  FailureRecord last_;
};

using V = std::vector<std::string>;
using auth::DkimStatus;
using auth::DmarcCode;
using auth::SpfCode;

TEST_F(FailureRecords, FoZeroOnlyWhenDmarcFails) {
  EXPECT_EQ(types("0", DmarcCode::fail, SpfCode::fail, DkimStatus::fail, false, false), V{"dmarc"});
  EXPECT_NE(last_.feedback.find("Auth-Failure: dmarc\n"), std::string::npos);
  EXPECT_NE(last_.feedback.find("Original-Rcpt-To: <redacted@example.net>\n"), std::string::npos);
  EXPECT_NE(last_.feedback.find("DKIM-Domain: example.com\n"), std::string::npos);
  EXPECT_NE(last_.feedback.find("DKIM-Selector: sel\n"), std::string::npos);
  EXPECT_EQ(last_.headers, "From: a@example.com\nTo: redacted@example.net\n");
  EXPECT_EQ(types("0", DmarcCode::pass, SpfCode::fail, DkimStatus::pass, false, true), V{});
}

TEST_F(FailureRecords, FoOneWhenAnyMechanismIsNotAnAlignedPass) {
  EXPECT_EQ(types("1", DmarcCode::pass, SpfCode::pass, DkimStatus::fail, true, false), V{"dmarc"});
  EXPECT_EQ(types("1", DmarcCode::pass, SpfCode::pass, DkimStatus::pass, true, true), V{});
}

TEST_F(FailureRecords, FoDAndS) {
  EXPECT_EQ(types("d", DmarcCode::pass, SpfCode::pass, DkimStatus::fail, true, false), V{"dkim"});
  EXPECT_EQ(types("d", DmarcCode::fail, SpfCode::fail, DkimStatus::pass, false, false), V{});
  EXPECT_EQ(types("s", DmarcCode::pass, SpfCode::fail, DkimStatus::pass, false, true), V{"spf"});
  EXPECT_EQ(types("s", DmarcCode::fail, SpfCode::softfail, DkimStatus::fail, false, false), V{});
  EXPECT_EQ(types("0:d:s", DmarcCode::fail, SpfCode::fail, DkimStatus::fail, false, false),
            (V{"dmarc", "dkim", "spf"}));
  EXPECT_EQ(types("0:1", DmarcCode::fail, SpfCode::fail, DkimStatus::fail, false, false),
            V{"dmarc"});  // one DMARC report, not two
}

TEST_F(FailureRecords, NoneWithoutClientAddress) {
  client_ip_ = "";
  EXPECT_EQ(types("0", DmarcCode::fail, SpfCode::fail, DkimStatus::fail, false, false), V{});
}

class FailureSend : public SpoolTest {
 protected:
  // A failure of a message whose header section is `headers` ("": one of
  // its own, as different messages have).
  void record(std::int64_t time, const std::string& domain, std::string headers = "") {
    if (headers.empty()) headers = "Subject: " + std::to_string(time) + "\n";
    FailureRecord r{time,
                    domain,
                    "v=DMARC1; p=none; ruf=mailto:ruf@" + domain,
                    domain,
                    "dmarc",
                    "192.0.2.1",
                    "Feedback-Type: auth-failure\n",
                    headers};
    FailureRecorder::open(spool_, time).append(r);
  }

  SendOptions options(std::int64_t now, std::size_t per_hour = 10, bool on = true) {
    auto o = base_options(now);
    o.failure_reports = on;
    o.failures_per_hour = per_hour;
    return o;
  }
};

TEST_F(FailureSend, RateLimitPerDomainAndHourOnce) {
  for (int i = 0; i < 4; ++i) record(kDec7 + 600 + i, "a.com");  // 00:xx: 4, limit 2
  record(kDec7 + 700, "b.com");                                  // another domain
  record(kDec7 + 3600 + 5, "a.com");                             // 01:xx: its own hour
  auto lines = send_reports(options(kDec7 + 7200, 2));
  ASSERT_TRUE(lines) << lines.error().message;
  std::string all;
  for (const auto& line : *lines) all += line + "\n";
  EXPECT_EQ(sent().size(), 4U) << all;  // a.com 00:xx two, b.com one, a.com 01:xx one
  EXPECT_NE(all.find("2 failure report(s) for a.com 2026-12-07 00:00-01:00 not sent"),
            std::string::npos)
      << all;
  ASSERT_TRUE(send_reports(options(kDec7 + 7300, 2)));
  EXPECT_EQ(sent().size(), 4U);  // once
  EXPECT_TRUE(std::filesystem::exists(spool_ + "/sent/2026-12-07/F0"));
}

// One message to three of our recipients: three records, one report.
TEST_F(FailureSend, OneReportForCopiesToSeveralRecipients) {
  for (int i = 0; i < 3; ++i) record(kDec7 + 600 + i, "a.com", "Subject: the same\n");
  auto lines = send_reports(options(kDec7 + 7200, 1));
  ASSERT_TRUE(lines);
  EXPECT_EQ(sent().size(), 1U);
  for (const auto& line : *lines) EXPECT_EQ(line.find("not sent: over"), std::string::npos) << line;
}

TEST_F(FailureSend, OffSendsNothing) {
  record(kDec7 + 600, "a.com");
  ASSERT_TRUE(send_reports(options(kDec7 + 7200, 10, false)));
  EXPECT_EQ(sent().size(), 0U);
}

// A day holding only failure reports (ruf= without rua=) is sent and done.
TEST_F(FailureSend, DayWithOnlyFailures) {
  record(kDec7 - 600, "a.com");
  ASSERT_TRUE(send_reports(options(kDec7 + 60)));
  EXPECT_EQ(sent().size(), 1U);
  EXPECT_TRUE(std::filesystem::exists(spool_ + "/sent/2026-12-06/.done"));
}

TEST(DmarcFailureMessage, MultipartReport) {
  SendOptions o;
  o.email = "dmarc@example.net";
  o.org_name = "mx.example.net";
  FailureRecord r{kDec7,
                  "a.com",
                  "",
                  "a.com",
                  "spf",
                  "192.0.2.1",
                  "Feedback-Type: auth-failure\n",
                  "Subject: \xc3\xa9t\xc3\xa9\n"};
  const auto text = failure_message(r, {"ruf@a.com"}, "id1", o);
  EXPECT_NE(text.find("Content-Type: multipart/report; report-type=feedback-report;"),
            std::string::npos);
  EXPECT_NE(text.find("Content-Type: message/feedback-report\n\nFeedback-Type: auth-failure\n"),
            std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/rfc822-headers\nContent-Transfer-Encoding: 8bit\n"),
            std::string::npos);
  EXPECT_NE(text.find("Auto-Submitted: auto-generated\n"), std::string::npos);
}

}  // namespace
}  // namespace mailroom::dmarc_report
