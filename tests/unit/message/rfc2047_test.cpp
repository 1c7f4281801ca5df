#include "mailroom/message/rfc2047.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailroom::message {
namespace {

struct Case {
  std::string in;
  std::string out;
  bool bad;
};

TEST(Rfc2047, Table) {
  const std::vector<Case> cases = {
      {"plain text", "plain text", false},
      {"=?utf-8?B?aMOpbGxv?=", "h\xc3\xa9llo", false},
      {"=?ISO-8859-1?Q?caf=E9_au_lait?=", "caf\xc3\xa9 au lait", false},
      {"=?utf-8?q?a?= =?utf-8?q?b?=", "ab", false},      // §6.2 joining
      {"=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab", false},  // across a fold
      {"x =?utf-8?q?a?= y", "x a y", false},
      {"=?utf-8?q?a_?= b", "a  b", false},
      // A UTF-8 character split across two words survives.
      {"=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=", "\xc3\xa9\xc3\xa9", false},
      {"=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "\xe2\x82\xac", false},
      {"=?iso-8859-1?q?a?= =?utf-8?q?b?=", "ab", false},
      {"=?utf-8*en?q?hi?=", "hi", false},            // RFC 2231 §5 language
      {"pre=?utf-8?q?x?=post", "prexpost", false},   // inside a token: tolerated
      {"=?utf-8?x?abc?=", "=?utf-8?x?abc?=", true},  // unknown encoding: kept
      {"=?utf-8?b?!!!?=", "=?utf-8?b?!!!?=", true},  // bad base64: kept
      {"=?utf-8?q?unterminated", "=?utf-8?q?unterminated", false},
      {"=?utf-8?q?bad=zz?=", "=?utf-8?q?bad=zz?=", true},
      {"=??q?x?=", "=??q?x?=", true},                         // empty charset
      {"J\xfcrgen =?utf-8?q?x?=", "J\xc3\xbcrgen x", false},  // raw Latin-1
      {"=?x-unknown?q?ok?=", "ok", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    Defects d;
    EXPECT_EQ(decode_rfc2047(c.in, d), c.out);
    EXPECT_EQ(d.has(Defect::bad_encoded_word), c.bad);
  }
}

// Many "=?" and no "?=": each candidate must not rescan to the end.
TEST(Rfc2047, ManyOpenersStayLinear) {
  std::string v;
  for (int i = 0; i < 300000; ++i) v += "=?a?q?";
  EXPECT_EQ(decode_rfc2047(v), v);
  v += "?=";
  Defects d;
  EXPECT_FALSE(decode_rfc2047(v, d).empty());
}

TEST(Rfc2047, HeaderValue) {
  EXPECT_EQ(decode_header_value(" =?utf-8?q?a?=\r\n =?utf-8?q?b?= c\r\n\td "), "ab c\td");
}

}  // namespace
}  // namespace mailroom::message
