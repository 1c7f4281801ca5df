#include "mailroom/message/charset.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailroom::message {
namespace {

struct Case {
  const char* charset;
  std::string in;
  std::string out;
  bool bad;  // Defect::bad_charset expected
};

TEST(Charset, Table) {
  const std::vector<Case> cases = {
      {"utf-8", "h\xc3\xa9", "h\xc3\xa9", false},
      {"UTF8", "ok", "ok", false},
      {"utf-8",
       "a\xff"
       "b",
       "a\xef\xbf\xbd"
       "b",
       true},
      {"utf-8", "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", true},  // surrogate
      {"utf-8", "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", true},                  // overlong
      {"iso-8859-1", "caf\xe9", "caf\xc3\xa9", false},
      {"ISO-8859-1", "\x80", "\xe2\x82\xac", false},  // windows-1252 euro, per WHATWG
      {"windows-1252", "\x93q\x94", "\xe2\x80\x9cq\xe2\x80\x9d", false},
      {"us-ascii", "plain", "plain", false},
      {"us-ascii", "caf\xc3\xa9", "caf\xc3\xa9", false},  // lying ascii that is UTF-8
      {"us-ascii", "caf\xe9", "caf\xc3\xa9", false},      // lying ascii that is Latin-1
      {"koi8-r", "\xf0\xd2\xc9", "\xd0\x9f\xd1\x80\xd0\xb8", false},
      {"iso-8859-15", "\xa4", "\xe2\x82\xac", false},
      {"shift_jis", "\x82\xa0", "\xe3\x81\x82", false},
      {"gb2312", "\xc4\xe3", "\xe4\xbd\xa0", false},
      {"\"utf-8\"", "x", "x", false},
      {"x-no-such-charset", "abc", "abc", true},
      {"UTF-8//IGNORE", "abc", "abc", true},  // never reaches iconv as given
      {"", "caf\xe9", "caf\xc3\xa9", false},
      {"iso-2022-jp", "\x1b$B$\"\x1b(B", "\xe3\x81\x82", false},
      {"utf-16le", std::string("a\0b\0", 4), "ab", false},
      {"shift_jis", "\x82", "\xef\xbf\xbd", true},  // truncated sequence
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.charset) + " " + c.in);
    Defects d;
    EXPECT_EQ(to_utf8(c.in, c.charset, d), c.out);
    EXPECT_EQ(d.has(Defect::bad_charset), c.bad);
    EXPECT_TRUE(is_valid_utf8(to_utf8(c.in, c.charset, d)));
  }
}

TEST(Charset, MaxOutputIsHonoured) {
  Defects d;
  std::string out;
  append_utf8(std::string(100, '\xe9'), "iso-8859-1", out, d, 11);
  EXPECT_LE(out.size(), 11U);
  EXPECT_TRUE(is_valid_utf8(out));
  EXPECT_TRUE(d.has(Defect::decoded_truncated));
  Defects d2;
  std::string out2;
  append_utf8(std::string(50000, '\xa4'), "koi8-r", out2, d2, 1001);
  EXPECT_LE(out2.size(), 1001U);
  EXPECT_TRUE(d2.has(Defect::decoded_truncated));
  EXPECT_TRUE(is_valid_utf8(out2));
}

// More charsets than the per-thread iconv cache holds: evicted descriptors
// are closed and reopened, results stay right.
TEST(Charset, ManyCharsetsCycleThroughTheCache) {
  const char* names[] = {"koi8-r",       "koi8-u",       "iso-8859-2",   "iso-8859-5",
                         "iso-8859-7",   "iso-8859-9",   "iso-8859-15",  "windows-1250",
                         "windows-1251", "windows-1253", "windows-1254", "windows-1255",
                         "windows-1256", "windows-1257", "windows-1258", "cp850",
                         "cp437",        "mac",          "tis-620",      "euc-jp"};
  for (int round = 0; round < 3; ++round) {
    for (const char* n : names) {
      SCOPED_TRACE(n);
      Defects d;
      EXPECT_EQ(to_utf8("plain ascii", n, d), "plain ascii");
      EXPECT_FALSE(d.has(Defect::bad_charset));
    }
  }
  Defects d;
  EXPECT_EQ(to_utf8("\xf0\xd2\xc9", "koi8-r", d), "\xd0\x9f\xd1\x80\xd0\xb8");
}

TEST(Charset, HeaderBytes) {
  EXPECT_EQ(header_bytes_to_utf8("J\xc3\xbcrgen"), "J\xc3\xbcrgen");
  EXPECT_EQ(header_bytes_to_utf8("J\xfcrgen"), "J\xc3\xbcrgen");
}

}  // namespace
}  // namespace mailroom::message
