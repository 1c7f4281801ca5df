// FETCH responses (server/imap/fetch.hpp) for messages with tricky
// headers: encoded words, groups, missing fields, folded lines, empty
// values, 8-bit text, bare CR, no blank line. The expected responses were
// produced by the FETCH code before ENVELOPE got its header-only path (a
// Message parsed per message); the path must answer byte for byte the same.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/maildir/maildir.hpp"
#include "server/imap/envelope.hpp"
#include "server/imap/fetch.hpp"
#include "server/imap/selected.hpp"
#include "unit/server/selected_inbox.hpp"

namespace mailroom::server::imap {
namespace {

namespace fs = std::filesystem;

#define LONG_WORDS                                                                    \
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "     \
  "incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud " \
  "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat duis aute "

// Stored as deliver stores them: LF line ends (some with CRLF or a bare
// CR, as an MTA may pass them).
const char* const kMessages[] = {
    // 1: what bench/serve delivers, in short.
    "Received: from mail.example.com\n\tby mx.example.net; Sat, 28 Nov 2026 12:00:00 +0000\n"
    "From: Sender Name <sender@example.com>\nTo: Bench User <bench@example.net>\n"
    "Subject: Envelope shipping\nDate: Sat, 28 Nov 2026 12:00:00 +0000\n"
    "Message-ID: <0.hroHBf8HcT@example.com>\nMIME-Version: 1.0\n"
    "Content-Type: text/plain\n\nbody\n",
    // 2: encoded words in names and subject, a name that is only a comment.
    "From: =?ISO-8859-1?Q?Andr=E9_B=F6hm?= <andre@example.org>\n"
    "To: \"=?UTF-8?B?w6nDqQ==?=\" <e@example.org>, bob@example.org (Bob Smith)\n"
    "Subject: =?UTF-8?Q?caf=C3=A9?= and =?bogus?X?zz?=\nReply-To: Dept <dept@example.org>\n\nx\n",
    // 3: groups, an empty group, a quoted local part, no domain.
    "From: \"john \\\"jj\\\" doe\"@example.org\n"
    "To: Team: a@x.org, \"B B\" <b@y.org>;, undisclosed-recipients:;, c@z.org\n"
    "Cc: localonly, <@route.example:d@w.org>\nBcc: \n\nx\n",
    // 4: no field ENVELOPE names at all.
    "X-Other: 1\n\nonly body\n",
    // 5: folded fields, a second To, a second Date and Subject, white space
    // before a colon, quotes and backslashes in the subject.
    "Subject : say \"hi\" \\ and\n\tfold\n  twice\nDate: Mon, 7 Dec 2026 08:00:00 +0000\n"
    "Date: Tue, 8 Dec 2026 08:00:00 +0000\nSubject: second\n"
    "To: one@example.org,\n two@example.org\nTo: three@example.org\n"
    "In-Reply-To: <a@b>\n <c@d>\nMessage-Id:<id@x>\nSender: Real <real@example.org>\n\nx\n",
    // 6: 8-bit UTF-8 in subject and name, an empty subject field.
    "From: J\xc3\xbcrgen <j@example.de>\nSubject:\nTo: \xe4\xbd\xa0\xe5\xa5\xbd <n@example.cn>\n"
    "Subject: \xc3\xa9t\xc3\xa9\n\nx\n",
    // 7: CRLF line ends already, a bare CR in the subject.
    "From: crlf@example.org\r\nSubject: a\rb\r\nTo: t@example.org\r\n\r\nbody\r\n",
    // 8: no blank line: all header.
    "From: nobody@example.org\nSubject: no body",
    // 9: an empty first line: all body.
    "\nFrom: not-a-header@example.org\n",
    // 10: a line that is no field ends the header.
    "From: a@example.org\nthis is not a field\nSubject: in the body\n\nx\n",
    // 11: 8-bit subject first: a literal.
    "Subject: \xc3\xa9t\xc3\xa9\nFrom: a@example.org\n\nx\n",
    // 12: a subject longer than a quoted string may be: a literal.
    "Subject: " LONG_WORDS LONG_WORDS LONG_WORDS LONG_WORDS LONG_WORDS "\nTo: a@example.org\n\nx\n",
};

class ImapFetch : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mailroom-fetch-XXXXXX";
    root_ = ::mkdtemp(pattern);
    for (const char* sub : {"tmp", "new", "cur"}) fs::create_directories(root_ / sub);
    int i = 0;
    for (const char* text : kMessages) {
      ++i;
      // Every other one with ",S=" only: RFC822.SIZE then comes from the file.
      std::string name = "17000000" + std::to_string(10 + i) + ".M1P1Q1.host" +
                         (i % 2 == 0 ? ",S=" + std::to_string(std::string(text).size()) : "") +
                         ":2," + (i % 3 == 0 ? "S" : "");
      std::ofstream(root_ / "cur" / name, std::ios::binary) << text;
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  Selected open() { return select_inbox(root_, maildir_); }

  // Every message's response to FETCH of `names`.
  static std::string fetch_all(Selected& box, const std::vector<std::string>& names) {
    Value items{Value::Kind::list, "", {}, false};
    for (const auto& n : names) items.items.push_back(Value{Value::Kind::atom, n, {}, false});
    auto parsed = parse_fetch_items(items);
    EXPECT_TRUE(parsed);
    std::string out;
    for (std::size_t i = 0; i < box.messages.size(); ++i) {
      EXPECT_TRUE(fetch_message(box, i, *parsed, true, out)) << i;
    }
    return out;
  }

  fs::path root_;
  std::optional<maildir::Maildir> maildir_;
};

std::string golden(const char* name) {
  std::ifstream in(fs::path(MAILROOM_TEST_DATA) / "imap" / name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(ImapFetch, EnvelopeAloneAnswersAsBefore) {
  Selected box = open();
  ASSERT_EQ(box.messages.size(), std::size(kMessages));
  EXPECT_EQ(fetch_all(box, {"FLAGS", "RFC822.SIZE", "ENVELOPE"}), golden("fetch-a.golden"));
  // Twice: nothing a first FETCH leaves behind changes the second.
  EXPECT_EQ(fetch_all(box, {"ENVELOPE", "FLAGS", "RFC822.SIZE"}).size(),
            golden("fetch-a.golden").size());
}

TEST_F(ImapFetch, EnvelopeWithBodyAnswersAsBefore) {
  Selected box = open();
  EXPECT_EQ(fetch_all(box, {"ENVELOPE", "BODY.PEEK[]"}), golden("fetch-b.golden"));
  EXPECT_EQ(fetch_all(box, {"RFC822.SIZE", "BODY.PEEK[HEADER]", "BODY.PEEK[TEXT]", "BODY"}),
            golden("fetch-c.golden"));
}

// BODY[] alone is read straight into the response: every octet, CRLF,
// whatever ",S=" claims, for messages larger than one read too.
TEST_F(ImapFetch, WholeMessageAloneIsEveryOctet) {
  std::string big;
  for (int i = 0; big.size() < 300000; ++i) big += "line " + std::to_string(i) + "\n";
  const std::pair<std::string, std::string> extra[] = {
      {"1700000100.M1P1Q1.host,S=5:2,", "Subject: S= says less\n\n" + std::string(100, 'x')},
      {"1700000101.M1P1Q1.host,S=99999:2,", "Subject: S= says more\n\nx\n"},
      {"1700000102.M1P1Q1.host,S=" + std::to_string(big.size() + 12) + ":2,",
       "Subject: big\n\n" + big},
      {"1700000103.M1P1Q1.host,S=0:2,", ""}};
  for (const auto& [name, text] : extra) std::ofstream(root_ / "cur" / name) << text;
  Selected box = open();
  std::vector<std::string> texts;
  for (const char* text : kMessages) texts.emplace_back(text);
  for (const auto& e : extra) texts.push_back(e.second);
  ASSERT_EQ(box.messages.size(), texts.size());
  auto expected = [&](const std::string& item) {
    std::string want;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto crlf = to_crlf(texts[i]);
      want += "* " + std::to_string(i + 1) + " FETCH (UID " + std::to_string(i + 1) + " " + item +
              " {" + std::to_string(crlf.size()) + "}\r\n" + crlf + ")\r\n";
    }
    return want;
  };
  EXPECT_EQ(fetch_all(box, {"BODY.PEEK[]"}), expected("BODY[]"));
  EXPECT_EQ(fetch_all(box, {"RFC822"}), expected("RFC822"));
}

// A quoted-pair before a bare LF: the one place where the header as stored
// and the header made CRLF differ to the address parser (it takes the LF,
// or the CR). ENVELOPE from the header alone must still be ENVELOPE from
// the message (fuzz_imap_envelope found it).
TEST_F(ImapFetch, QuotedPairBeforeALineEnd) {
  fs::remove_all(root_ / "cur");
  fs::create_directories(root_ / "cur");
  std::ofstream(root_ / "cur" / "1700000001.M1P1Q1.host:2,")
      << "From: rg \"+p\\\n (c2) @\nTo: (a\\\n b) x@y\n\nbody\n";
  Selected box = open();
  ASSERT_EQ(box.messages.size(), 1U);
  auto alone = fetch_all(box, {"ENVELOPE"});
  auto with_body = fetch_all(box, {"ENVELOPE", "BODY.PEEK[]"});
  EXPECT_EQ(alone, with_body.substr(0, with_body.find(" BODY[]")) + ")\r\n");
}

std::string show(const std::vector<message::Address>& list) {
  std::string out;
  for (const auto& a : list)
    out += "[" + a.display_name + "|" + a.local_part + "|" + a.domain + "|" + a.group + "]";
  return out;
}

// The short way through the common address forms answers what the message
// module's parser answers, and leaves every other form to it.
TEST(ImapEnvelope, SimpleAddressListsAreTheParsersAnswer) {
  const char* const simple[] = {
      "",
      "  \r\n ",
      "a@b",
      "Sender Name <sender@example.com>",
      "Sender   Name\r\n\t<sender@example.com>  ",
      "<x.y@a.b.c>",
      "first.last@example.org, Two Words <two@example.net>,three@x.org",
      "Name<a@b>",
      "O'Brien-Smith_99 {x} <o+tag@example.org>",
  };
  for (const char* value : simple) {
    auto fast = simple_address_list(value, 100);
    ASSERT_TRUE(fast) << value;
    EXPECT_EQ(show(*fast), show(message::parse_address_list(value))) << value;
  }
  const char* const others[] = {
      "\"Quoted\" <a@b>",
      "a@b (Comment)",
      "Group: a@b;",
      "=?UTF-8?Q?Andr=C3=A9?= <a@b>",
      "J\xc3\xbcrgen <j@b>",
      "<@route:a@b>",
      "a@b,, c@d",
      "a@b,",
      "a @ b",
      "a..b@c",
      ".a@b",
      "a@b.",
      "a@[192.0.2.1]",
      "localonly",
      "<>",
      "a@b c",
      "Name <a@b",
      "Name <a@b> x",
      "a.b <c@d>",
      "a@b@c",
  };
  for (const char* value : others) EXPECT_FALSE(simple_address_list(value, 100)) << value;
  EXPECT_FALSE(simple_address_list("a@b, c@d, e@f", 2));  // the limit: the parser's answer
  EXPECT_TRUE(simple_address_list("a@b, c@d", 2));
}

// Every message of the message module's corpus (hostile headers among
// them): ENVELOPE from the header alone equals ENVELOPE from the whole
// parsed message (what FETCH ENVELOPE BODY[] answers).
TEST(ImapFetchCorpus, EnvelopeFromHeaderEqualsEnvelopeFromMessage) {
  char pattern[] = "/tmp/mailroom-fetch-XXXXXX";
  fs::path root = ::mkdtemp(pattern);
  struct Remove {
    fs::path path;
    ~Remove() { fs::remove_all(path); }
  } remove{root};
  for (const char* sub : {"tmp", "new", "cur"}) fs::create_directories(root / sub);
  int n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(MAILROOM_TEST_DATA) / "message")) {
    if (e.path().extension() != ".eml") continue;
    ++n;
    fs::copy_file(e.path(), root / "cur" / ("1700000000.M" + std::to_string(n) + "P1Q1.host:2,"));
  }
  ASSERT_GT(n, 50);
  std::optional<maildir::Maildir> maildir;
  Selected box = select_inbox(root, maildir);
  ASSERT_EQ(box.messages.size(), static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < box.messages.size(); ++i) {
    Value alone{Value::Kind::atom, "ENVELOPE", {}, false};
    Value with_body{
        Value::Kind::list, "", {alone, {Value::Kind::atom, "BODY.PEEK[]", {}, false}}, false};
    std::string a, b;
    ASSERT_TRUE(fetch_message(box, i, *parse_fetch_items(alone), false, a));
    ASSERT_TRUE(fetch_message(box, i, *parse_fetch_items(with_body), false, b));
    EXPECT_EQ(a, b.substr(0, b.find(" BODY[]")) + ")\r\n") << box.messages[i].file.name();
  }
}

}  // namespace
}  // namespace mailroom::server::imap
