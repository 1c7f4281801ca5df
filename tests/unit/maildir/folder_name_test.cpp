// Folder name mapping: names that must map and names that must be refused,
// side by side (after Seastar's request_parser_test tables).
#include "mailroom/maildir/folder_name.hpp"

#include <gtest/gtest.h>

#include <string>

#include "mailroom/maildir/modified_utf7.hpp"

namespace mailroom::maildir {
namespace {

struct MapCase {
  std::string name;
  std::string directory;
  std::string display;
};

const MapCase kMustMap[] = {
    {"INBOX", "", "INBOX"},
    {"inbox", "", "INBOX"},
    {"Junk", ".Junk", "Junk"},
    {"Lists/Work", ".Lists.Work", "Lists/Work"},
    {"Lists.Work", ".Lists.Work", "Lists/Work"},
    {"INBOX.Junk", ".Junk", "Junk"},
    {"INBOX/Junk", ".Junk", "Junk"},
    {"Inbox.Lists/Work", ".Lists.Work", "Lists/Work"},
    {"Ärger", ".&AMQ-rger", "Ärger"},
    {"Lists/Ärger", ".Lists.&AMQ-rger", "Lists/Ärger"},
    {"A&B", ".A&-B", "A&B"},
    {"日本語", ".&ZeVnLIqe-", "日本語"},
    {"Sent Items", ".Sent Items", "Sent Items"},
    {"Lists/INBOX", ".Lists.INBOX", "Lists/INBOX"},
    {"emoji 😀", ".emoji &2D3eAA-", "emoji 😀"},
};

const std::string kMustRefuse[] = {
    "",                        // empty
    "/Junk",                   // leading separator
    ".Junk",                   // leading separator (Maildir++ spelling leaks in)
    "Junk/",                   // trailing separator
    "Lists//Work",             // empty level
    "Lists..Work",             // ".." component
    "..",                      // parent
    ".",                       // current
    "../../etc",               // escape attempt
    "a/./b",                   // "." component
    std::string("Ju\0nk", 5),  // NUL
    "Ju\nnk",                  // control character
    "Ju\x7fnk",                // DEL
    "Ju\xc2\x85nk",            // C1 control (NEL)
    "\xc3",                    // truncated UTF-8
    "\xc3\x28",                // bad continuation
    "\xc0\xaf",                // overlong '/'
    "\xed\xa0\x80",            // surrogate
    "\xf4\x90\x80\x80",        // above U+10FFFF
    "Lists/*",                 // IMAP wildcard
    "100%",                    // IMAP wildcard
    "~root",                   // home directory expansion
    "INBOX/INBOX",             // INBOX below INBOX
    "INBOX/",                  // trailing separator after INBOX
    std::string(256, 'a'),     // too long
    // Issue 12 item 13: format characters that disguise a name in a client.
    "Invoices\u202Egpj.exe",                         // RIGHT-TO-LEFT OVERRIDE
    "a\u202Ab", "a\u202Bb", "a\u202Cb", "a\u202Db",  // LRE RLE PDF LRO
    "a\u2066b", "a\u2067b", "a\u2068b", "a\u2069b",  // LRI RLI FSI PDI
    "Ju\u200Bnk", "Ju\u200Cnk", "Ju\u200Dnk",        // zero width space, ZWNJ, ZWJ
    "Ju\u200Enk", "Ju\u200Fnk",                      // LRM RLM
    "\uFEFFJunk",                                    // BOM / ZWNBSP
    "a\u061Cb",                                      // ARABIC LETTER MARK
    "a\u00ADb", "a\u2060b", "a\u2028b",              // soft hyphen, word joiner, LS
    "a\U000E0041b",                                  // TAG LATIN CAPITAL LETTER A
};

TEST(FolderName, MustMapTable) {
  for (const auto& c : kMustMap) {
    auto dir = folder_directory_name(c.name);
    ASSERT_TRUE(dir.has_value()) << c.name << ": " << dir.error().message;
    EXPECT_EQ(*dir, c.directory) << c.name;
    EXPECT_EQ(parse_folder_name(c.name)->display(), c.display) << c.name;
  }
}

TEST(FolderName, MustRefuseTable) {
  for (const auto& name : kMustRefuse) {
    auto dir = folder_directory_name(name);
    EXPECT_FALSE(dir.has_value()) << "accepted: " << name << " -> " << dir.value_or("");
    if (!dir) EXPECT_EQ(dir.error().kind, ErrorKind::parse) << name;
  }
}

TEST(FolderName, MapAndRefuseSideBySide) {
  // The same shape on either side of each boundary.
  EXPECT_TRUE(folder_directory_name("a.b").has_value());
  EXPECT_FALSE(folder_directory_name("a..b").has_value());
  EXPECT_TRUE(folder_directory_name("x~").has_value());
  EXPECT_FALSE(folder_directory_name("~x").has_value());
  EXPECT_TRUE(folder_directory_name(std::string(254, 'a')).has_value());  // ".aaa" = 255 bytes
  EXPECT_FALSE(folder_directory_name(std::string(255, 'a')).has_value());
}

TEST(FolderName, FormatCharacterBoundaries) {
  // Neighbours of the refused ranges are ordinary characters.
  for (const char* fine : {"a\u2010b", "a\u2030b", "a\u2065b", "a\u2070b", "a\u200Ab", "a\uFEFEb",
                           "a\u061Bb", "a\u00ACb"}) {
    EXPECT_TRUE(folder_directory_name(fine).has_value()) << fine;
  }
}

TEST(FolderName, ComponentLimit) {
  std::string deep = "a";
  for (int i = 1; i < 16; ++i) deep += "/a";
  EXPECT_TRUE(parse_folder_name(deep).has_value());
  EXPECT_FALSE(parse_folder_name(deep + "/a").has_value());
}

TEST(FolderName, Utf8LengthLimitCountsEncodedDirectory) {
  // 60 x 'Ä' is 120 UTF-8 bytes but grows in modified UTF-7.
  std::string name;
  for (int i = 0; i < 60; ++i) name += "Ä";
  auto parsed = parse_folder_name(name);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_LE(parsed->directory().size(), 255u);
  std::string longer;
  for (int i = 0; i < 120; ++i) longer += "Ä";  // 240 bytes in, ~322 out
  EXPECT_FALSE(parse_folder_name(longer).has_value());
}

TEST(ModifiedUtf7, RoundTripArger) {
  EXPECT_EQ(utf8_to_modified_utf7("Ärger").value(), "&AMQ-rger");
  EXPECT_EQ(modified_utf7_to_utf8("&AMQ-rger").value(), "Ärger");
}

TEST(ModifiedUtf7, Rfc3501Example) {
  // RFC 3501 section 5.1.3 example: "~peter/mail/台北/日本語".
  const std::string utf8 =
      "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
  EXPECT_EQ(utf8_to_modified_utf7(utf8).value(), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(modified_utf7_to_utf8("~peter/mail/&U,BTFw-/&ZeVnLIqe-").value(), utf8);
}

TEST(ModifiedUtf7, RoundTripsManyStrings) {
  const std::string samples[] = {"plain",     "&",   "&&", "a&b",         "Ä",
                                 "ÄÖÜ äöü ß", "😀x😀", "€",  "\x7e\xc2\xa0"};
  for (const auto& s : samples) {
    auto enc = utf8_to_modified_utf7(s);
    ASSERT_TRUE(enc.has_value()) << s;
    auto dec = modified_utf7_to_utf8(*enc);
    ASSERT_TRUE(dec.has_value()) << *enc;
    EXPECT_EQ(*dec, s);
  }
}

TEST(ModifiedUtf7, RefusesNonCanonical) {
  const char* bad[] = {
      "&",           // unterminated
      "&AMQ",        // unterminated run
      "&AGE-",       // encodes 'a': printable ASCII must be direct
      "&AMQ-&AMQ-",  // two adjacent runs must be one
      "&AMR-",       // non-zero padding bits
      "&2D0-",       // lone high surrogate
      "&3AA-",       // lone low surrogate
      "&A/Q-",       // '/' is not in the modified alphabet
      "\xc3\x84",    // raw 8-bit
      "tab\there",   // control character outside a run
  };
  for (const char* s : bad) EXPECT_FALSE(modified_utf7_to_utf8(s).has_value()) << s;
}

TEST(ModifiedUtf7, RefusesInvalidUtf8) {
  EXPECT_FALSE(utf8_to_modified_utf7("\xff").has_value());
  EXPECT_FALSE(utf8_to_modified_utf7("\xe2\x82").has_value());
}

}  // namespace
}  // namespace mailroom::maildir
