// Received reports: the samples of tests/data/dmarc/received (make_received.py)
// in the shapes large receivers send, hostile archives and XML, the store
// and the summary's words.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dmarc_report/xml_reader.hpp"
#include "mailroom/dmarc_report/received.hpp"
#include "mailroom/dmarc_report/received_store.hpp"
#include "mailroom/dmarc_report/summary.hpp"
#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::dmarc_report {
namespace {

message::Message sample(const std::string& name) {
  std::ifstream in(std::string(MAILROOM_TEST_DATA) + "/dmarc/received/" + name + ".eml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(text.str())));
}

// The report of the sample's attachment, or its error.
Result<ReceivedReport> report_of(const std::string& name) {
  auto message = sample(name);
  for (const auto& part : message.parts()) {
    if (!part.is_leaf() || part.is_text() && part.filename().empty()) continue;
    auto xml = report_xml(message.decoded(part));
    if (!xml) return tl::unexpected(xml.error());
    return parse_report(*xml);
  }
  return fail(ErrorKind::parse, "no attachment");
}

TEST(DmarcReceived, GoogleZip) {
  auto r = report_of("google-zip");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->org_name, "google.com");
  EXPECT_EQ(r->report_id, "11223344556677889900");
  EXPECT_EQ(r->policy_domain, "steamr.com");
  EXPECT_EQ(r->policy, "reject");
  EXPECT_EQ(r->begin, 1796428800);
  ASSERT_EQ(r->rows.size(), 2U);
  EXPECT_EQ(r->rows[0].source_ip, "192.0.2.7");
  EXPECT_EQ(r->rows[0].count, 1240U);
  EXPECT_FALSE(r->rows[0].dkim_aligned);
  ASSERT_EQ(r->rows[0].dkim.size(), 1U);
  EXPECT_EQ(r->rows[0].dkim[0].domain, "esp.example");
  EXPECT_EQ(r->rows[0].spf_domain, "esp.example");
  EXPECT_EQ(r->rows[0].spf_result, "pass");
}

TEST(DmarcReceived, OutlookGzipWithSchemaAttributes) {
  auto r = report_of("outlook-gzip");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->org_name, "Enterprise Outlook");
  ASSERT_EQ(r->rows.size(), 2U);
  EXPECT_TRUE(r->rows[1].dkim.empty());
  EXPECT_EQ(r->rows[1].spf_result, "fail");
}

TEST(DmarcReceived, PlainXmlWithPrefixAndMissingFields) {
  auto r = report_of("yahoo-plain");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->org_name, "Yahoo");
  ASSERT_EQ(r->rows.size(), 1U);
  EXPECT_EQ(r->rows[0].envelope_from, "");  // none given
  ASSERT_EQ(r->rows[0].dkim.size(), 1U);
  EXPECT_EQ(r->rows[0].dkim[0].selector, "");  // none given
  EXPECT_TRUE(r->rows[0].dkim_aligned);
}

TEST(DmarcReceived, StoredZipAsOctetStream) {
  auto r = report_of("odd-type");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->rows.at(0).count, 3U);
}

TEST(DmarcReceived, ZipBombStopsAtTheLimit) {
  auto r = report_of("zip-bomb");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("inflates past"), std::string::npos) << r.error().message;
}

TEST(DmarcReceived, DotDotEntryIsOnlyANameInMemory) {
  auto r = report_of("dotdot");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->org_name, "dotdot.example");
  EXPECT_FALSE(std::filesystem::exists("/etc/cron.d/x.xml"));
}

TEST(DmarcReceived, EntitiesAndExternalEntitiesRefused) {
  for (const char* name : {"entities", "xxe"}) {
    auto r = report_of(name);
    ASSERT_FALSE(r) << name;
    EXPECT_NE(r.error().message.find("DOCTYPE"), std::string::npos) << r.error().message;
  }
}

TEST(DmarcXmlReader, Basics) {
  auto root = parse_xml(
      "<?xml version='1.0'?><!-- c --><a:r xmlns:a='u'><a:x k=\"v\">1 &lt; 2 &#x41;&#66;"
      "<![CDATA[<raw>]]></a:x><y/></a:r>");
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->name, "r");
  EXPECT_EQ(root->text_of("x"), "1 < 2 AB<raw>");
  EXPECT_NE(root->find("y"), nullptr);
  for (std::string_view bad : {"", "<a>", "<a></b>", "<a>&foo;</a>", "<a x=1></a>", "<a></a><b/>",
                               "<a>&#xFFFFFF;</a>", "<!DOCTYPE a><a/>", "<a><!ENTITY x 'y'></a>"})
    EXPECT_FALSE(parse_xml(bad)) << bad;
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  EXPECT_FALSE(parse_xml(deep));
}

TEST(DmarcArchive, NotAnArchive) {
  EXPECT_FALSE(report_xml("hello"));
  EXPECT_FALSE(report_xml(std::string("\x1f\x8b garbage", 10)));
  EXPECT_FALSE(report_xml("PK\x03\x04 not really"));
  ReceivedLimits small;
  small.max_xml_bytes = 10;
  EXPECT_FALSE(report_xml("<feedback>long enough</feedback>", small));
}

class DmarcStore : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dmarc_store_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    store_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(store_); }
  std::string store_;
};

TEST_F(DmarcStore, EveryShapeStoredOnceAndSummarised) {
  for (const char* name :
       {"google-zip", "outlook-gzip", "yahoo-plain", "zip-bomb", "entities", "xxe", "google-zip"}) {
    auto notes = store_reports(sample(name), store_);
    ASSERT_FALSE(notes.empty() && std::string(name) != "zip-bomb") << name;
  }
  auto again = store_reports(sample("outlook-gzip"), store_);
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].rfind("report already stored", 0), 0U) << again[0];
  auto rows = load_rows(store_, "steamr.com", 0);
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 5U);  // 2 google + 2 outlook + 1 yahoo, each once
  auto names = [](const std::string& ip) {
    return ip == "192.0.2.7" ? std::string("mail.example.net") : std::string();
  };
  auto summary = summarize(*rows, names);
  ASSERT_EQ(summary.sources.size(), 3U);
  EXPECT_EQ(
      advice(summary.sources[0]),
      "192.0.2.7 (mail.example.net) sent 1,340 messages as steamr.com: DKIM not aligned "
      "(d=esp.example), SPF pass but not aligned (esp.example): add a DKIM key for steamr.com "
      "at your ESP, or align the return path (a MAIL FROM in steamr.com)");
  EXPECT_EQ(
      advice(summary.sources[1]),
      "198.51.100.10 sent 70 messages as steamr.com: DMARC pass (DKIM aligned): nothing to fix");
  EXPECT_EQ(advice(summary.sources[2]),
            "203.0.113.66 sent 5 messages as steamr.com: no DKIM signature, SPF fail for "
            "steamr.com: sign its mail with DKIM for steamr.com, or add 203.0.113.66 to the SPF "
            "record of steamr.com (if this host is not yours, someone else sends in your name: "
            "p=reject stops it)");
  auto text = summary_text(summary);
  EXPECT_NE(text.find("steamr.com by google.com: 1 report, 1,300 messages, DMARC pass 5%"),
            std::string::npos)
      << text;
  auto json = summary_json(summary);
  EXPECT_NE(json.find("\"source_ip\":\"192.0.2.7\",\"reverse_name\":\"mail.example.net\","
                      "\"messages\":1340,\"dmarc_pass\":0"),
            std::string::npos)
      << json;
}

TEST_F(DmarcStore, SinceFiltersByPeriodEnd) {
  (void)store_reports(sample("google-zip"), store_);
  EXPECT_EQ(load_rows(store_, "", 0)->size(), 2U);
  EXPECT_EQ(load_rows(store_, "", 1796515199)->size(), 2U);
  EXPECT_EQ(load_rows(store_, "", 1796515200)->size(), 0U);
  EXPECT_EQ(load_rows(store_, "other.example", 0)->size(), 0U);
}

}  // namespace
}  // namespace mailroom::dmarc_report
