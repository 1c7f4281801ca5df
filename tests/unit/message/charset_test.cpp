#include "mailroom/message/charset.hpp"

#include <gtest/gtest.h>

#include <cstddef>
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
      {"UTF-8//IGNORE", "abc", "abc", true},  // never reaches ICU as given
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

// UTF-8 in, runs of valid sequences appended at once: the same bytes and
// defects as a sequence at a time, for every max_out (a multibyte sequence
// is never cut, an invalid byte becomes U+FFFD).
TEST(Charset, Utf8RunsMatchASequenceAtATime) {
  const std::string inputs[] = {"plain ascii text",
                                "caf\xc3\xa9 \xe2\x82\xac"
                                "5 \xf0\x9f\x93\xa7!",
                                "a\xff"
                                "b\xc3(\xed\xa0\x80z",
                                std::string("\xe2\x82", 2),
                                // ASCII runs longer than eight bytes (read a
                                // word at a time) around multibyte and bad bytes
                                "0123456789abcdefg\xc3\xa9hijklmnopqrstuvw\xff"
                                "xyz012345\xe2\x82\xac"
                                "ABCDEFGH"};
  for (const std::string& in : inputs) {
    for (std::size_t max = 0; max <= in.size() + 4; ++max) {
      std::string want;
      bool want_truncated = false;
      bool want_bad = false;
      for (std::size_t i = 0; i < in.size();) {
        if (want.size() >= max) {
          want_truncated = true;
          break;
        }
        std::size_t len = 0;
        while (len < 4 && i + len < in.size() && !is_valid_utf8(in.substr(i, len + 1))) ++len;
        ++len;  // the shortest prefix that is valid, if any
        if (i + len <= in.size() && is_valid_utf8(in.substr(i, len))) {
          want += in.substr(i, len);
          i += len;
        } else {
          want += "\xef\xbf\xbd";
          want_bad = true;
          ++i;
        }
      }
      if (want.size() > max) {  // append_utf8 cuts at a character boundary
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(want[cut]) & 0xC0) == 0x80) --cut;
        want.resize(cut);
        want_truncated = true;
      }
      Defects d;
      std::string out;
      append_utf8(in, "utf-8", out, d, max);
      EXPECT_EQ(out, want) << "max_out " << max;
      EXPECT_EQ(d.has(Defect::decoded_truncated), want_truncated) << "max_out " << max;
      EXPECT_EQ(d.has(Defect::bad_charset), want_bad) << "max_out " << max;
    }
  }
}

// More charsets than the per-thread converter cache holds: evicted
// converters are closed and reopened, results stay right.
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

// Bytes with NULs in them.
template <std::size_t N>
std::string bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

// Real text; the encoded bytes come from Python's codecs, not from ICU.
TEST(Charset, RealText) {
  const std::vector<Case> cases = {
      // 中文信件
      {"big5", "\xa4\xa4\xa4\xe5\xab\x48\xa5\xf3",
       "\xe4\xb8\xad\xe6\x96\x87\xe4\xbf\xa1\xe4\xbb\xb6", false},
      {"big5-hkscs", "\x9d\xef", "\xe5\x98\x85", false},  // 嘅, HKSCS only
      {"big5", "\x9d\xef", "\xe5\x98\x85", false},        // declared big5, meant HKSCS
      // 한국어
      {"euc-kr", "\xc7\xd1\xb1\xb9\xbe\xee", "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", false},
      {"euc-kr", "\x8c\x63", "\xeb\x98\xa0", false},  // 똠: CP949 (UHC) only
      // 똠방각하
      {"ks_c_5601-1987", "\x8c\x63\xb9\xe6\xb0\xa2\xc7\xcf",
       "\xeb\x98\xa0\xeb\xb0\xa9\xea\xb0\x81\xed\x95\x98", false},
      {"cp949", "\x8c\x63", "\xeb\x98\xa0", false},
      {"gb18030", "\x94\x39\xfc\x36", "\xf0\x9f\x98\x80", false},  // U+1F600, 4 bytes
      {"gbk", "\xe9\x46", "\xe9\x95\x95", false},                  // 镕, not in GB 2312
      {"gb2312", "\xe9\x46", "\xe9\x95\x95", false},               // declared gb2312, meant GBK
      {"shift_jis", "\x87\x40\x87\x8a", "\xe2\x91\xa0\xe3\x88\xb1", false},  // ①㈱: CP932 only
      {"euc-jp", "\xc6\xfc\xcb\xdc\xb8\xec", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", false},
      {"iso-2022-jp", "\x1b$BF|K\\\x1b(B", "\xe6\x97\xa5\xe6\x9c\xac", false},  // 日本
      // aé€ with a byte order mark, both orders; without one, big-endian (RFC 2781)
      {"utf-16", bytes("\xff\xfe\x61\x00\xe9\x00\xac\x20"), "a\xc3\xa9\xe2\x82\xac", false},
      {"utf-16", bytes("\xfe\xff\x00\x61\x00\xe9\x20\xac"), "a\xc3\xa9\xe2\x82\xac", false},
      {"utf-16", bytes("\x00\x61\x00\xe9\x20\xac"), "a\xc3\xa9\xe2\x82\xac", false},
      {"utf-16le", bytes("\x3d\xd8\x00\xde"), "\xf0\x9f\x98\x80", false},  // surrogate pair
      {"utf-16le", bytes("a\0b"), "a\xef\xbf\xbd", true},                  // odd trailing byte
      {"utf-16le", bytes("\x00\xde\x61\x00"),
       "\xef\xbf\xbd"
       "a",
       true},                                               // lone low surrogate
      {"utf-16le", bytes("a\0\0\0"), bytes("a\0"), false},  // U+0000 kept, as UTF-8
      // a😀, with a byte order mark, then big-endian
      {"utf-32", bytes("\xff\xfe\x00\x00\x61\x00\x00\x00\x00\xf6\x01\x00"), "a\xf0\x9f\x98\x80",
       false},
      {"utf-32be", bytes("\x00\x00\x00\x61\x00\x01\xf6\x00"), "a\xf0\x9f\x98\x80", false},
      {"utf-7", "Hi Mom -+Jjo--!", "Hi Mom -\xe2\x98\xba-!", false},  // RFC 2152's example
      {"koi8-u", "\xeb\xc9\xa7\xd7", "\xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2", false},  // Київ
      // Привет
      {"windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2",
       "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", false},
      {"iso-8859-2", "\xa3\xf3\x64\xbc", "\xc5\x81\xc3\xb3\x64\xc5\xba", false},  // Łódź
      {"big5", "", "", false},
      {"x-unknown-charset-7", "caf\xe9", "caf\xc3\xa9", true},      // guessed: windows-1252
      {"x-unknown-charset-7", "caf\xc3\xa9", "caf\xc3\xa9", true},  // guessed: UTF-8
      {"iso-2022-jp,version=1", "abc", "abc", true},  // ICU options never reach ucnv_open
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.charset) + " " + c.in);
    Defects d;
    EXPECT_EQ(to_utf8(c.in, c.charset, d), c.out);
    EXPECT_EQ(d.has(Defect::bad_charset), c.bad);
  }
}

// An escape sequence ISO-2022-JP does not have: U+FFFD and a defect; the
// text around it survives.
TEST(Charset, Iso2022JpInvalidEscape) {
  Defects d;
  const std::string out = to_utf8("a\x1b$Zb\x1b$B$\"\x1b(Bc", "iso-2022-jp", d);
  EXPECT_TRUE(d.has(Defect::bad_charset));
  EXPECT_TRUE(is_valid_utf8(out));
  EXPECT_EQ(out.substr(0, 4), "a\xef\xbf\xbd");
  EXPECT_NE(out.find("\xe3\x81\x82"
                     "c"),
            std::string::npos);  // あc
}

// A supplementary character whose UTF-16 halves come out of ICU in two
// chunks (the converter's buffer holds 4096 units) is still one character.
TEST(Charset, SurrogatePairAcrossChunks) {
  for (std::size_t lead = 4090; lead < 4100; ++lead) {
    SCOPED_TRACE(lead);
    std::string utf16;
    for (std::size_t i = 0; i < lead; ++i) utf16 += bytes("a\0");
    utf16 += bytes("\x3d\xd8\x00\xde");  // U+1F600
    Defects d;
    EXPECT_EQ(to_utf8(utf16, "utf-16le", d), std::string(lead, 'a') + "\xf0\x9f\x98\x80");
    EXPECT_FALSE(d.has(Defect::bad_charset));
    Defects d2;
    EXPECT_EQ(to_utf8(std::string(lead, 'a') + "\x94\x39\xfc\x36", "gb18030", d2),
              std::string(lead, 'a') + "\xf0\x9f\x98\x80");
    EXPECT_FALSE(d2.has(Defect::bad_charset));
  }
}

// max_out falls inside a multibyte character: the output is cut before it.
TEST(Charset, MaxOutputIsHonouredForMultibyteCharsets) {
  std::string big5;
  std::string gb18030;
  for (int i = 0; i < 20000; ++i) {
    big5 += "\xa4\xa4";             // 中, 3 bytes of UTF-8
    gb18030 += "\x94\x39\xfc\x36";  // U+1F600, 4 bytes of UTF-8
  }
  for (const std::size_t max_out : {1U, 1000U, 1001U, 1002U, 30001U}) {
    SCOPED_TRACE(max_out);
    Defects d;
    std::string out = "x";
    append_utf8(big5, "big5", out, d, max_out);
    EXPECT_LE(out.size(), max_out);
    EXPECT_TRUE(is_valid_utf8(out));
    EXPECT_TRUE(d.has(Defect::decoded_truncated));
    EXPECT_FALSE(d.has(Defect::bad_charset));
    EXPECT_EQ((out.size() - 1) % 3, 0U);
    Defects d2;
    std::string out2;
    append_utf8(gb18030, "gb18030", out2, d2, max_out);
    EXPECT_LE(out2.size(), max_out);
    EXPECT_TRUE(is_valid_utf8(out2));
    EXPECT_TRUE(d2.has(Defect::decoded_truncated));
    EXPECT_EQ(out2.size() % 4, 0U);
  }
}

// Converters are cached per thread: a text that ends mid-character, or is
// cut by max_out while shifted or after a byte order mark, leaves no state
// behind for the next one. (The cut must come after ICU's first chunk of
// 4096 units: a conversion that runs to the end resets itself.)
TEST(Charset, CachedConverterStartsClean) {
  Defects d;
  EXPECT_EQ(to_utf8("\xa4", "big5", d), "\xef\xbf\xbd");  // a lead byte alone
  EXPECT_TRUE(d.has(Defect::bad_charset));
  Defects d1;
  EXPECT_EQ(to_utf8("\xa4\xa4", "big5", d1), "\xe4\xb8\xad");
  EXPECT_FALSE(d1.has(Defect::bad_charset));

  std::string shifted = "\x1b$B";  // to JIS X 0208
  for (int i = 0; i < 5000; ++i) shifted += "$\"";
  Defects d2;
  std::string out;
  append_utf8(shifted, "iso-2022-jp", out, d2, 30);
  EXPECT_TRUE(d2.has(Defect::decoded_truncated));
  Defects d3;
  EXPECT_EQ(to_utf8("$\"", "iso-2022-jp", d3), "$\"");  // ASCII again, not あ
  EXPECT_FALSE(d3.has(Defect::bad_charset));

  std::string little = bytes("\xff\xfe");
  for (int i = 0; i < 5000; ++i) little += bytes("a\0");
  Defects d4;
  std::string out2;
  append_utf8(little, "utf-16", out2, d4, 30);
  EXPECT_TRUE(d4.has(Defect::decoded_truncated));
  Defects d5;
  EXPECT_EQ(to_utf8(bytes("\0b"), "utf-16", d5), "b");  // no BOM: big-endian again
  EXPECT_FALSE(d5.has(Defect::bad_charset));
}

TEST(Charset, HeaderBytes) {
  EXPECT_EQ(header_bytes_to_utf8("J\xc3\xbcrgen"), "J\xc3\xbcrgen");
  EXPECT_EQ(header_bytes_to_utf8("J\xfcrgen"), "J\xc3\xbcrgen");
}

}  // namespace
}  // namespace mailroom::message
