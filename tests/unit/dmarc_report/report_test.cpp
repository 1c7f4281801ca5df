// Counting records into reports, their XML and their mail.
#include <gtest/gtest.h>

#include "dmarc_report/gzip.hpp"
#include "dmarc_report/report_message.hpp"
#include "mailroom/dmarc_report/report.hpp"

namespace mailroom::dmarc_report {
namespace {

DeliveryRecord at(std::int64_t time, std::string ip, std::string domain, bool dkim) {
  DeliveryRecord r;
  r.time = time;
  r.source_ip = std::move(ip);
  r.header_from = domain;
  r.envelope_from = domain;
  r.policy_domain = std::move(domain);
  r.policy_record = "v=DMARC1; p=none; rua=mailto:d@" + r.policy_domain;
  r.disposition = "none";
  r.dkim_aligned = dkim;
  r.spf_domain = r.envelope_from;
  r.spf_scope = "mfrom";
  r.spf_result = "pass";
  r.spf_aligned = true;
  return r;
}

TEST(DmarcAggregate, CountsPerDomainSourceAndResult) {
  std::vector<DeliveryRecord> records{
      at(100, "192.0.2.1", "b.example", true),  at(101, "192.0.2.1", "b.example", true),
      at(102, "192.0.2.1", "b.example", false), at(103, "192.0.2.2", "b.example", true),
      at(104, "192.0.2.9", "a.example", true),  at(999, "192.0.2.1", "b.example", true)};
  auto reports = aggregate(records, 0, 500);
  ASSERT_EQ(reports.size(), 2U);
  EXPECT_EQ(reports[0].policy_domain, "a.example");  // sorted by domain
  EXPECT_EQ(reports[0].messages, 1U);
  const auto& b = reports[1];
  EXPECT_EQ(b.messages, 4U);  // the record at 999 is outside the period
  ASSERT_EQ(b.rows.size(), 3U);
  EXPECT_EQ(b.rows[0].tuple.source_ip, "192.0.2.1");
  EXPECT_EQ(b.rows[0].count, 2U);
  EXPECT_EQ(b.rows[1].count, 1U);
  EXPECT_FALSE(b.rows[1].tuple.dkim_aligned);
  EXPECT_EQ(b.rows[2].tuple.source_ip, "192.0.2.2");
}

TEST(DmarcAggregate, LatestPolicyRecordIsPublished) {
  auto early = at(100, "192.0.2.1", "b.example", true);
  auto late = at(200, "192.0.2.1", "b.example", true);
  late.policy_record = "v=DMARC1; p=reject; sp=quarantine; adkim=s; pct=50; rua=mailto:x@b.example";
  std::vector<DeliveryRecord> records{late, early};
  auto reports = aggregate(records, 0, 500);
  ASSERT_EQ(reports.size(), 1U);
  auto xml = to_xml(reports[0], {"mx.example.net", "r@example.net", "id1"});
  EXPECT_NE(xml.find("<p>reject</p><sp>quarantine</sp><pct>50</pct>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<adkim>s</adkim><aspf>r</aspf>"), std::string::npos);
  EXPECT_NE(xml.find("<count>2</count>"), std::string::npos);
}

TEST(DmarcXml, EscapesAndDropsControlCharacters) {
  auto r = at(1, "192.0.2.1", "b.example", true);
  r.dkim = {{"d<&>\"", "s\x01x", "pass"}};
  std::vector<DeliveryRecord> records{r};
  auto xml = to_xml(aggregate(records, 0, 10)[0], {"o&o", "e@x", "i"});
  EXPECT_NE(xml.find("<domain>d&lt;&amp;&gt;&quot;</domain>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<selector>sx</selector>"), std::string::npos);
  EXPECT_NE(xml.find("<org_name>o&amp;o</org_name>"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

TEST(DmarcXml, SchemaIp) {
  EXPECT_EQ(schema_ip("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(schema_ip("2001:db8::1"), "2001:db8:0:0:0:0:0:1");
  EXPECT_EQ(schema_ip("::ffff:192.0.2.1"), "0:0:0:0:0:ffff:c000:201");
  EXPECT_EQ(schema_ip("not-an-ip"), "not-an-ip");
}

TEST(DmarcMessage, SubjectFileNameAndMediaType) {
  std::vector<DeliveryRecord> records{at(1796601700, "192.0.2.1", "example.com", true)};
  auto report = aggregate(records, 1796601600, 1796687999)[0];
  ReportMetadata meta{"mx.example.net", "dmarc@example.net", "20261207.abc"};
  EXPECT_EQ(report_filename(report, meta),
            "mx.example.net!example.com!1796601600!1796687999.xml.gz");
  auto gz = gzip(to_xml(report, meta));
  ASSERT_TRUE(gz);
  EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f);  // RFC 1952 magic
  EXPECT_EQ(static_cast<unsigned char>((*gz)[1]), 0x8b);
  auto mail = report_message(report, meta, {"a@example.com", "b@example.com"}, *gz, 1796601700);
  EXPECT_NE(mail.find("\nSubject: Report Domain: example.com Submitter: mx.example.net "
                      "Report-ID: <20261207.abc@mx.example.net>\n"),
            std::string::npos)
      << mail;
  EXPECT_NE(mail.find("\nTo: a@example.com, b@example.com\n"), std::string::npos);
  EXPECT_NE(mail.find("\nDate: Mon, 7 Dec 2026 00:01:40 +0000\n"), std::string::npos);
  EXPECT_NE(mail.find("Content-Type: application/gzip; name=\"mx.example.net!example.com!"),
            std::string::npos);
  EXPECT_NE(mail.find("filename=\"mx.example.net!example.com!1796601600!1796687999.xml.gz\""),
            std::string::npos);
}

}  // namespace
}  // namespace mailroom::dmarc_report
