#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mailroom/message/message.hpp"

namespace mailroom::message {
namespace {

Message parse(std::string s, const Limits& limits = {}) {
  return Message::parse(std::make_shared<const Buffer>(Buffer::from_string(std::move(s))), limits);
}

std::string names(const Message& m) {
  std::string out;
  for (const auto& f : m.headers()) out += std::string(f.name) + ";";
  return out;
}

// Table: inputs that must parse and inputs that must degrade, side by side.
struct Case {
  const char* label;
  std::string input;
  std::string names;  // expected field names, ';'-terminated
  std::string body;
  bool separator;
  std::vector<Defect> defects;  // expected (others may not be set)
};

const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = {
      // --- must parse
      {"crlf", "From: a@b\r\nSubject: hi\r\n\r\nbody\r\n", "From;Subject;", "body\r\n", true, {}},
      {"lf", "From: a@b\nSubject: hi\n\nbody\n", "From;Subject;", "body\n", true, {}},
      {"folded", "Subject: a\r\n b\r\n\tc\r\nTo: x\r\n\r\n", "Subject;To;", "", true, {}},
      {"obs ws before colon", "Subject  : hi\r\n\r\nb", "Subject;", "b", true, {}},
      {"empty value", "X-Empty:\r\n\r\n", "X-Empty;", "", true, {}},
      {"no body", "From: a\r\n", "From;", "", false, {Defect::missing_separator}},
      {"empty message", "", "", "", false, {Defect::missing_separator}},
      {"only separator", "\r\nbody", "", "body", true, {}},
      {"duplicates", "A: 1\nB: 2\na: 3\n\n", "A;B;a;", "", true, {}},
      {"ws-only continuation", "A: 1\n  \nB: 2\n\nx", "A;B;", "x", true, {}},
      {"utf8 value", "Subject: h\xc3\xa9llo\n\n", "Subject;", "", true, {Defect::eight_bit_header}},
      // --- must degrade
      {"no separator",
       "From: a\nthis is body\nmore\n",
       "From;",
       "this is body\nmore\n",
       false,
       {Defect::missing_separator}},
      {"mbox From_ line",
       "From a@b Sat Jan 1\nFrom: a\n\n",
       "",
       "From a@b Sat Jan 1\nFrom: a\n\n",
       false,
       {Defect::missing_separator}},
      {"leading continuation",
       " x: y\nA: b\n\n",
       "",
       " x: y\nA: b\n\n",
       false,
       {Defect::continuation_first, Defect::missing_separator}},
      {"mixed endings",
       "A: 1\r\nB: 2\n\r\nbody",
       "A;B;",
       "body",
       true,
       {Defect::mixed_line_endings}},
      {"bare cr", "A: 1\r2\n\n", "A;", "", true, {Defect::bare_cr}},
      {"nul", std::string("A: 1\0002\n\nb", 9), "A;", "b", true, {Defect::nul_byte}},
      {"8bit name",
       "Sub\xe9ject: x\n\n",
       "",
       "Sub\xe9ject: x\n\n",
       false,
       {Defect::missing_separator}},
      {"colon first", ": x\nA: b\n\n", "", ": x\nA: b\n\n", false, {Defect::missing_separator}},
  };
  return kCases;
}

TEST(HeaderTable, ParsesOrDegradesAsExpected) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.label);
    const Message m = parse(c.input);
    EXPECT_EQ(names(m), c.names);
    EXPECT_EQ(m.body(), c.body);
    EXPECT_EQ(m.has_separator(), c.separator);
    Defects want;
    for (Defect d : c.defects) want.add(d);
    EXPECT_EQ(m.defects().bits(), want.bits());
    EXPECT_EQ(m.raw(), c.input);
  }
}

// Views are exact slices of the buffer; the header block plus separator
// plus body give back the raw bytes.
TEST(HeaderTable, ViewsTileTheBuffer) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.label);
    const Message m = parse(c.input);
    std::string joined;
    for (const auto& f : m.headers()) {
      EXPECT_EQ(m.raw().substr(f.offset, f.raw.size()), f.raw);
      EXPECT_EQ(f.raw.data(), m.raw().data() + f.offset);
      joined += f.raw;
    }
    EXPECT_EQ(joined, m.header_block());
    EXPECT_EQ(m.header_block().data(), m.raw().data());
    EXPECT_EQ(m.body().data() + m.body().size(), m.raw().data() + m.raw().size());
  }
}

TEST(Header, FieldParts) {
  const Message m = parse("Subject  :  a\r\n b\r\nTo:x\r\n\r\n");
  ASSERT_EQ(m.headers().size(), 2U);
  const HeaderField& s = m.headers()[0];
  EXPECT_EQ(s.name, "Subject");
  EXPECT_EQ(s.value, "  a\r\n b");
  EXPECT_EQ(s.raw, "Subject  :  a\r\n b\r\n");
  EXPECT_EQ(s.offset, 0U);
  EXPECT_EQ(m.headers()[1].offset, s.raw.size());
  EXPECT_EQ(m.headers()[1].value, "x");
  EXPECT_EQ(m.header_block(), "Subject  :  a\r\n b\r\nTo:x\r\n");
}

TEST(Header, FindIsCaseInsensitive) {
  const Message m = parse("Received: 1\nreceived: 2\nSubject: s\nRECEIVED: 3\n\n");
  ASSERT_NE(m.find("subject"), nullptr);
  EXPECT_EQ(m.find("RECEIVED")->value, " 1");
  const auto all = m.find_all("Received");
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[2]->value, " 3");
  EXPECT_EQ(m.find("X-Missing"), nullptr);
  EXPECT_TRUE(m.find_all("X-Missing").empty());
  EXPECT_EQ(m.value("subject"), "s");
  EXPECT_EQ(m.value("x-missing"), "");
}

TEST(Header, AddressesAndDate) {
  const Message m =
      parse("To: a@x, B <b@y>\nCc: c@z\nTo: d@w\nDate: Fri, 21 Nov 1997 09:55:06 -0600\n\n");
  const auto to = m.addresses("to");
  ASSERT_EQ(to.size(), 3U);
  EXPECT_EQ(to[1].display_name, "B");
  EXPECT_EQ(to[2].addr_spec(), "d@w");
  EXPECT_TRUE(m.addresses("Bcc").empty());
  ASSERT_TRUE(m.date().has_value());
  EXPECT_EQ(m.date()->unix_time(), 880127706);
  EXPECT_FALSE(parse("Subject: x\n\n").date().has_value());
}

// Authentication, spam scoring and Sieve each read From and To: a field's
// list is parsed once per message and the same list handed out again.
TEST(Header, FieldAddressesParsedOnce) {
  const Message m = parse(
      "From: A <a@x>\nTo: b@y, c@z\nTo: d@w, e@v\nContent-Type: multipart/mixed; "
      "boundary=q\n\n--q\nTo: f@u\n\nbody\n--q--\n");
  const auto to = m.find_all("To");
  ASSERT_EQ(to.size(), 2U);
  const auto& first = m.field_addresses(*to[0]);
  ASSERT_EQ(first.size(), 2U);
  EXPECT_EQ(first[1].addr_spec(), "c@z");
  EXPECT_EQ(&m.field_addresses(*to[0]), &first);
  EXPECT_EQ(m.field_addresses(*to[1])[0].addr_spec(), "d@w");
  EXPECT_EQ(m.addresses("From").at(0).display_name, "A");
  // A MIME part's field is not one of headers(): parsed, and right, too.
  ASSERT_EQ(m.parts().size(), 2U);
  const auto* part_to = m.parts()[1].find("To");
  ASSERT_NE(part_to, nullptr);
  EXPECT_EQ(m.field_addresses(*part_to).at(0).addr_spec(), "f@u");
}

// addresses() over several fields stops at max_addresses, as when each
// field was parsed with what was left of the limit.
TEST(Header, AddressesLimitAcrossFields) {
  Limits limits;
  limits.max_addresses = 3;
  const Message m = parse("To: a@x, b@y\nTo: c@z, d@w\nTo: e@v\n\n", limits);
  const auto to = m.addresses("To");
  ASSERT_EQ(to.size(), 3U);
  EXPECT_EQ(to[2].addr_spec(), "c@z");
  EXPECT_EQ(m.field_addresses(*m.find_all("To")[1]).size(), 2U);
}

// The defect scan reads eight bytes at a time and memchr's: each defect
// byte is found at every offset (across word boundaries, in the tail),
// and a clean block of any length has none.
TEST(Header, DefectBytesFoundAtEveryOffset) {
  struct Kind {
    std::string bytes;
    Defect defect;
  };
  const std::vector<Kind> kinds = {{"\xc3\xa9", Defect::eight_bit_header},
                                   {"\x80", Defect::eight_bit_header},
                                   {std::string(1, '\0'), Defect::nul_byte},
                                   {"\r", Defect::bare_cr}};
  for (std::size_t offset = 0; offset < 24; ++offset) {
    const std::string pad(offset, 'a');
    const Message clean = parse("X: " + pad + "\n\n");
    EXPECT_FALSE(clean.has(Defect::eight_bit_header) || clean.has(Defect::nul_byte) ||
                 clean.has(Defect::bare_cr) || clean.has(Defect::mixed_line_endings))
        << offset;
    for (const auto& kind : kinds) {
      const Message m = parse("X: " + pad + kind.bytes + "z\n\n");
      EXPECT_TRUE(m.has(kind.defect)) << offset << " " << static_cast<int>(kind.defect);
    }
    // LF then CRLF anywhere: mixed; CRLF alone is not.
    EXPECT_TRUE(parse("A: " + pad + "\nB: 1\r\n\r\n").has(Defect::mixed_line_endings));
    EXPECT_FALSE(parse("A: " + pad + "\r\nB: 1\r\n\r\n").has(Defect::mixed_line_endings));
    EXPECT_FALSE(parse("A: " + pad + "\r\nB: 1\r\n\r\n").has(Defect::bare_cr));
  }
}

TEST(Header, Unfold) {
  EXPECT_EQ(unfold(" a\r\n b"), "a b");
  EXPECT_EQ(unfold("\ta\n\tb  "), "a\tb");
  EXPECT_EQ(unfold(""), "");
  EXPECT_EQ(unfold(" \r\n "), "");
  EXPECT_EQ(unfold(" x\ry"), "x\ry");
  // Only the CR of a CRLF goes; CRs before it, and after the last LF, stay
  // inside the value (the ends are trimmed of CR too).
  EXPECT_EQ(unfold(" a\r\r\n b"), "a\r b");
  EXPECT_EQ(unfold("a\n\r\nb"), "ab");
  EXPECT_EQ(unfold("a\r\n\r\n\n b\r"), "a b");
  EXPECT_EQ(unfold("\n\n"), "");
  EXPECT_EQ(unfold("a\rb\r\n\tc\rd"), "a\rb\tc\rd");
}

TEST(HeaderLimits, LineTooLongEndsBlock) {
  Limits l;
  l.max_line_length = 20;
  const Message m = parse("A: short\nB: " + std::string(30, 'x') + "\nC: c\n\nbody", l);
  EXPECT_EQ(names(m), "A;");
  EXPECT_TRUE(m.header_truncated());
  EXPECT_TRUE(m.limits_hit());
  EXPECT_TRUE(m.has(Defect::line_too_long));
  EXPECT_FALSE(m.has_separator());
  EXPECT_EQ(m.body().substr(0, 3), "B: ");
}

TEST(HeaderLimits, TooManyHeaders) {
  Limits l;
  l.max_header_count = 3;
  const Message m = parse("A: 1\nB: 2\nC: 3\nD: 4\n\nbody", l);
  EXPECT_EQ(names(m), "A;B;C;");
  EXPECT_TRUE(m.has(Defect::too_many_headers));
  EXPECT_EQ(m.body(), "D: 4\n\nbody");
}

TEST(HeaderLimits, HeaderBlockTooLarge) {
  Limits l;
  l.max_header_block = 12;
  const Message m = parse("A: 1\nB: 2\nC: 3\n\nbody", l);
  EXPECT_EQ(names(m), "A;B;");
  EXPECT_TRUE(m.has(Defect::header_block_too_large));
  EXPECT_FALSE(m.has_separator());
}

TEST(HeaderLimits, DefaultsAreSane) {
  const Limits l;
  EXPECT_EQ(l.max_mime_depth, 100U);
  EXPECT_EQ(l.max_parts, 10000U);
  EXPECT_GE(l.max_line_length, 998U);
}

TEST(Header, NullBufferIsEmptyMessage) {
  const Message m = Message::parse(nullptr);
  EXPECT_TRUE(m.raw().empty());
  EXPECT_TRUE(m.headers().empty());
}

TEST(Header, DefectNamesRoundTrip) {
  Defect d{};
  ASSERT_TRUE(defect_from_name("header_truncated", d));
  EXPECT_EQ(d, Defect::header_truncated);
  EXPECT_EQ(defect_name(Defect::bad_charset), "bad_charset");
  EXPECT_FALSE(defect_from_name("nope", d));
}

}  // namespace
}  // namespace mailroom::message
