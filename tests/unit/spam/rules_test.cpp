// Rule signals (issue 14): each symbol with hand-made messages that must
// and must not fire it. The tests assert symbols, not scores.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "mailroom/spam/rules.hpp"
#include "message_builder.hpp"

namespace mailroom::spam {
namespace {

using test::parse;
using Facts = AuthFacts;

// 2026-01-05 10:00:00 UTC.
constexpr std::int64_t kNow = 1767607200;

// A clean message: every header a well-behaved sender writes.
std::string clean(const std::string& extra = "", const std::string& body = "Hello Bob.\n") {
  return "From: Alice <alice@example.org>\n"
         "To: bob@example.net\n"
         "Subject: Lunch on Friday\n"
         "Date: Mon, 05 Jan 2026 09:58:00 +0000\n"
         "Message-ID: <1234@example.org>\n" +
         extra + "\n" + body;
}

bool has(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool has(const std::vector<std::pair<std::string, std::string>>& found, std::string_view name) {
  return std::any_of(found.begin(), found.end(), [&](const auto& f) { return f.first == name; });
}

std::vector<std::string> headers_of(const std::string& text) {
  return rules::header_symbols(parse(text), kNow);
}

std::vector<std::string> auth_of(const std::string& text, const Facts& facts) {
  return rules::auth_symbols(parse(text), facts);
}

std::vector<std::pair<std::string, std::string>> content_of(const std::string& text) {
  return rules::content_symbols(parse(text));
}

TEST(SpamRules, TableListsEverySymbolOnceWithAReason) {
  const RuleTable& table = RuleTable::built_in();
  ASSERT_EQ(table.entries().size(), known_symbols().size());
  for (auto name : known_symbols()) {
    const RuleEntry* entry = table.find(name);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_FALSE(entry->reason.empty()) << name;
  }
}

TEST(SpamRules, BuiltInEntriesAreWhatTomlReadsInTheFile) {
  // The build reads the entries with a line pattern; toml++ must agree.
  auto parsed = RuleTable::parse(RuleTable::built_in_text(), "rules/spam-rules.toml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const auto& built = RuleTable::built_in().entries();
  ASSERT_EQ(parsed->entries().size(), built.size());
  for (const RuleEntry& entry : built) {
    const RuleEntry* read = parsed->find(entry.name);
    ASSERT_NE(read, nullptr) << entry.name;
    EXPECT_EQ(read->weight, entry.weight) << entry.name;
    EXPECT_EQ(read->reason, entry.reason) << entry.name;
  }
}

TEST(SpamRules, OverridesReplaceWeightsAndRefuseUnknownSymbols) {
  auto table = RuleTable::built_in().with_overrides("[HTML_ONLY]\nweight = 2.5\n", "t.toml");
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_DOUBLE_EQ(table->find("HTML_ONLY")->weight, 2.5);
  EXPECT_EQ(table->find("HTML_ONLY")->reason, RuleTable::built_in().find("HTML_ONLY")->reason);
  auto bad = RuleTable::built_in().with_overrides("[NO_SUCH]\nweight = 1\n", "t.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("t.toml:1: NO_SUCH"), std::string::npos);
  EXPECT_FALSE(RuleTable::built_in().with_overrides("[HTML_ONLY]\nweight = \"x\"\n", "t"));
}

TEST(SpamRules, LoadRuleTableFromAFile) {
  char path[] = "/tmp/mailroom-rules-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text = "# site weights\n[URL_SHORTENER]\nweight = 0.0\n";
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
  auto table = load_rule_table(path);
  ::unlink(path);
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->find("URL_SHORTENER")->weight, 0.0);
  EXPECT_EQ(table->find("SPF_FAIL")->weight, RuleTable::built_in().find("SPF_FAIL")->weight);
  EXPECT_EQ(load_rule_table("")->entries().size(), RuleTable::built_in().entries().size());
  auto missing = load_rule_table("/nonexistent/spam-rules.toml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::config);
}

TEST(SpamRules, CleanMessageFiresNoHeaderOrContentSymbol) {
  EXPECT_TRUE(headers_of(clean()).empty());
  EXPECT_TRUE(content_of(clean()).empty());
}

TEST(SpamRules, MessageId) {
  EXPECT_TRUE(has(headers_of("From: a@example.org\nSubject: x\n\nbody\n"), "MISSING_MID"));
  EXPECT_TRUE(
      has(headers_of(clean("Message-ID: <no-at-sign>\n")
                         .replace(clean().find("Message-ID: <1234@example.org>\n"), 31, "")),
          "INVALID_MID"));
  auto bad = clean();
  bad.replace(bad.find("<1234@example.org>"), 18, "1234 example");
  EXPECT_TRUE(has(headers_of(bad), "INVALID_MID"));
  EXPECT_FALSE(has(headers_of(bad), "MISSING_MID"));
  EXPECT_FALSE(has(headers_of(clean()), "INVALID_MID"));
}

TEST(SpamRules, Date) {
  auto text = clean();
  const auto at = text.find("Date: ");
  const auto end = text.find('\n', at) + 1;
  EXPECT_TRUE(has(headers_of(std::string(text).erase(at, end - at)), "MISSING_DATE"));
  EXPECT_TRUE(has(headers_of(std::string(text).replace(at, end - at, "Date: yesterday\n")),
                  "INVALID_DATE"));
  auto future = std::string(text).replace(at, end - at, "Date: Wed, 07 Jan 2026 09:00:00 +0000\n");
  EXPECT_TRUE(has(headers_of(future), "DATE_IN_FUTURE"));
  auto past = std::string(text).replace(at, end - at, "Date: Wed, 24 Dec 2025 09:00:00 +0000\n");
  EXPECT_TRUE(has(headers_of(past), "DATE_IN_PAST"));
  // Six hours early is a slow clock, not a forgery.
  auto near = std::string(text).replace(at, end - at, "Date: Mon, 05 Jan 2026 16:00:00 +0000\n");
  EXPECT_FALSE(has(headers_of(near), "DATE_IN_FUTURE"));
  // An old message is judged by when it arrived (the topmost Received),
  // so a 2002 message scored today is not "in the past".
  auto old = "Received: from a by b; Tue, 01 Oct 2002 10:00:00 +0000\n" +
             std::string(text).replace(at, end - at, "Date: Tue, 01 Oct 2002 09:00:00 +0000\n");
  EXPECT_FALSE(has(headers_of(old), "DATE_IN_PAST"));
}

TEST(SpamRules, From) {
  EXPECT_TRUE(has(headers_of("Subject: x\nMessage-ID: <a@b.c>\n\nx\n"), "FROM_MISSING"));
  auto forged = clean();
  forged.replace(0, forged.find('\n'), "From: \"service@paypal.com\" <billing@evil.example>");
  EXPECT_TRUE(has(headers_of(forged), "FROM_DISPLAY_MISMATCH"));
  auto same = clean();
  same.replace(0, same.find('\n'), "From: \"alice@example.org\" <alice@mail.example.org>");
  EXPECT_FALSE(has(headers_of(same), "FROM_DISPLAY_MISMATCH"));
  EXPECT_FALSE(has(headers_of(clean()), "FROM_MISSING"));
}

TEST(SpamRules, RecipientsAndSubject) {
  std::string to = "To: ";
  for (int i = 0; i < 26; ++i) to += (i ? ", u" : "u") + std::to_string(i) + "@example.net";
  auto many = clean();
  many.replace(many.find("To: bob@example.net"), 19, to);
  EXPECT_TRUE(has(headers_of(many), "MANY_RECIPIENTS"));
  EXPECT_FALSE(has(headers_of(clean()), "MANY_RECIPIENTS"));
  auto caps = clean();
  caps.replace(caps.find("Lunch on Friday"), 15, "FREE MONEY NOW!!!");
  EXPECT_TRUE(has(headers_of(caps), "SUBJ_ALL_CAPS"));
  auto acronym = clean();
  acronym.replace(acronym.find("Lunch on Friday"), 15, "RFC 5322");
  EXPECT_FALSE(has(headers_of(acronym), "SUBJ_ALL_CAPS"));
  auto none = clean();
  none.replace(none.find("Subject: Lunch on Friday\n"), 25, "");
  EXPECT_TRUE(has(headers_of(none), "SUBJ_MISSING"));
}

Facts checked() {
  Facts f;
  f.checked = true;
  return f;
}

TEST(SpamRules, SpfAndDkim) {
  Facts f = checked();
  f.spf = Facts::Spf::fail;
  EXPECT_TRUE(has(auth_of(clean(), f), "SPF_FAIL"));
  f.spf = Facts::Spf::softfail;
  EXPECT_TRUE(has(auth_of(clean(), f), "SPF_SOFTFAIL"));
  EXPECT_FALSE(has(auth_of(clean(), f), "SPF_FAIL"));
  f.spf = Facts::Spf::pass;
  f.spf_domain = "example.org";
  EXPECT_TRUE(auth_of(clean(), f).empty());
  Facts d = checked();
  d.dkim_failed = true;
  EXPECT_TRUE(has(auth_of(clean(), d), "DKIM_FAIL"));
  d.dkim_pass = {"example.org"};  // one failed, another passed
  EXPECT_FALSE(has(auth_of(clean(), d), "DKIM_FAIL"));
  Facts off;  // authentication off: nothing to say
  off.spf = Facts::Spf::fail;
  EXPECT_TRUE(auth_of(clean(), off).empty());
}

TEST(SpamRules, DmarcByPolicy) {
  Facts f = checked();
  f.dmarc = Facts::Dmarc::fail;
  f.published = Facts::Policy::reject;
  EXPECT_TRUE(has(auth_of(clean(), f), "DMARC_REJECT"));
  f.published = Facts::Policy::quarantine;
  EXPECT_TRUE(has(auth_of(clean(), f), "DMARC_QUARANTINE"));
  f.published = Facts::Policy::none;
  EXPECT_TRUE(has(auth_of(clean(), f), "DMARC_FAIL_NONE"));
  f.dmarc = Facts::Dmarc::pass;
  f.published = Facts::Policy::reject;
  auto names = auth_of(clean(), f);
  EXPECT_FALSE(has(names, "DMARC_REJECT"));
  EXPECT_FALSE(has(names, "FROM_UNAUTHENTICATED"));
}

TEST(SpamRules, ArcAndFromAlignment) {
  Facts f = checked();
  f.arc = Facts::Arc::fail;
  EXPECT_TRUE(has(auth_of(clean(), f), "ARC_FAIL"));
  EXPECT_TRUE(has(auth_of(clean(), f), "FROM_UNAUTHENTICATED"));
  Facts other = checked();  // a pass, but for an unrelated domain
  other.dkim_pass = {"bulk-sender.example"};
  other.spf = Facts::Spf::pass;
  other.spf_domain = "bounces.bulk-sender.example";
  EXPECT_TRUE(has(auth_of(clean(), other), "FROM_UNAUTHENTICATED"));
  Facts aligned = checked();
  aligned.dkim_pass = {"mail.example.org"};
  EXPECT_FALSE(has(auth_of(clean(), aligned), "FROM_UNAUTHENTICATED"));
}

std::string html_message(const std::string& html, bool with_plain = false) {
  std::string body = "--b\nContent-Type: text/html\n\n" + html + "\n";
  if (with_plain) body = "--b\nContent-Type: text/plain\n\nplain words\n" + body;
  return clean("MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n",
               body + "--b--\n");
}

TEST(SpamRules, HtmlOnlyAndEmptyBody) {
  EXPECT_TRUE(has(content_of(html_message("<p>Hi</p>")), "HTML_ONLY"));
  EXPECT_FALSE(has(content_of(html_message("<p>Hi</p>", true)), "HTML_ONLY"));
  EXPECT_TRUE(has(content_of(clean("", "\n  \n")), "EMPTY_BODY"));
  EXPECT_TRUE(has(content_of(html_message("<p> </p>")), "EMPTY_BODY"));
  EXPECT_FALSE(has(content_of(clean()), "EMPTY_BODY"));
  // An attachment alone is not an empty message.
  auto attached = clean("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n",
                        "--b\nContent-Type: application/pdf\nContent-Disposition: attachment; "
                        "filename=a.pdf\n\nJVBERi0=\n--b--\n");
  EXPECT_FALSE(has(content_of(attached), "EMPTY_BODY"));
}

TEST(SpamRules, Urls) {
  EXPECT_TRUE(has(content_of(clean("", "Go to http://192.0.2.7/login now\n")), "URL_IP_HOST"));
  EXPECT_FALSE(has(content_of(clean("", "Version 1.2.3.4 is out\n")), "URL_IP_HOST"));
  EXPECT_TRUE(has(content_of(clean("", "see https://bit.ly/3xYz\n")), "URL_SHORTENER"));
  EXPECT_FALSE(has(content_of(clean("", "see https://bitly.example.org/\n")), "URL_SHORTENER"));
  auto lying =
      html_message("<a href=\"http://evil.example/x\">https://www.mybank.example/login</a>", true);
  auto found = content_of(lying);
  ASSERT_TRUE(has(found, "URL_TEXT_HOST_MISMATCH"));
  EXPECT_EQ(found.front().second, "mybank.example -> evil.example");
  auto honest = html_message(
      "<a href=\"https://www.mybank.example/login\">mybank.example/login</a> "
      "<a href=\"https://login.mybank.example/\">https://mybank.example</a> "
      "<a href=\"https://track.example/\">Click here</a>",
      true);
  EXPECT_FALSE(has(content_of(honest), "URL_TEXT_HOST_MISMATCH"));
}

TEST(SpamRules, ManyPartsShareOneScanBudget) {
  // 3,000 parts of 1 KB: the links of the first 256 KB are read, the rest
  // still counts as text (no EMPTY_BODY) without being decoded.
  std::string body;
  const std::string filler(1000, 'x');
  for (int i = 0; i < 3000; ++i)
    body += "--b\nContent-Type: text/plain\n\n" + filler + (i == 0 ? " http://192.0.2.1/" : "") +
            (i == 2999 ? " https://bit.ly/late" : "") + "\n";
  auto found = content_of(
      clean("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n", body + "--b--\n"));
  EXPECT_TRUE(has(found, "URL_IP_HOST"));
  EXPECT_FALSE(has(found, "URL_SHORTENER"));  // past the budget
  EXPECT_FALSE(has(found, "EMPTY_BODY"));
}

TEST(SpamRules, ExecutableAttachments) {
  auto with = [](const std::string& part_headers) {
    return clean("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n",
                 "--b\nContent-Type: text/plain\n\nsee attached\n--b\n" + part_headers +
                     "\n\nTVqQAAMAAAAEAAAA\n--b--\n");
  };
  EXPECT_TRUE(has(content_of(with("Content-Type: application/octet-stream\n"
                                  "Content-Disposition: attachment; filename=\"invoice.PDF.exe\"")),
                  "ATTACH_EXECUTABLE"));
  EXPECT_TRUE(has(content_of(with("Content-Type: application/x-msdownload")), "ATTACH_EXECUTABLE"));
  EXPECT_FALSE(has(content_of(with("Content-Type: application/pdf\n"
                                   "Content-Disposition: attachment; filename=\"exe.pdf\"")),
                   "ATTACH_EXECUTABLE"));
}

}  // namespace
}  // namespace mailroom::spam
