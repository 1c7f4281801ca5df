// RFC 3501 section 5.1.3 (modified UTF-7) through ICU: the RFC's examples,
// and what a strict decoder refuses beyond tests in folder_name_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include "mailroom/maildir/modified_utf7.hpp"

namespace mailroom::maildir {
namespace {

TEST(ModifiedUtf7Rfc3501, Examples) {
  // "&Jjo-!" is "☺!" (RFC 3501 section 5.1.3; RFC 2152's smiley).
  EXPECT_EQ(utf8_to_modified_utf7("\xe2\x98\xba!").value(), "&Jjo-!");
  EXPECT_EQ(modified_utf7_to_utf8("&Jjo-!").value(), "\xe2\x98\xba!");
  // "&-" is "&"; printable ASCII, '/' and '~' included, stands for itself.
  EXPECT_EQ(modified_utf7_to_utf8("Tom &- Jerry").value(), "Tom & Jerry");
  EXPECT_EQ(utf8_to_modified_utf7("Tom & Jerry").value(), "Tom &- Jerry");
  EXPECT_EQ(utf8_to_modified_utf7("").value(), "");
  EXPECT_EQ(modified_utf7_to_utf8("").value(), "");
  // Outside the BMP: a surrogate pair in one run (U+1F600).
  EXPECT_EQ(utf8_to_modified_utf7("\xf0\x9f\x98\x80").value(), "&2D3eAA-");
  EXPECT_EQ(modified_utf7_to_utf8("&2D3eAA-").value(), "\xf0\x9f\x98\x80");
}

TEST(ModifiedUtf7Rfc3501, RefusesInvalid) {
  const char* bad[] = {
      "&Jjo!",       // run not closed by '-' before a direct character
      "&Jjo-&Jjo-",  // "represent ... in one run": two runs for adjacent text
      "&U,BTFw",     // the RFC example's run, unterminated
      "&AF8-",       // '_' encoded: printable ASCII must be direct
      "&ACY-",       // '&' encoded instead of "&-"
      "&Jjo=-",      // base64 padding is not used
      "&2D3eAA",     // unterminated surrogate pair
      "&2D0-x",      // lone high surrogate
      "a\x7f",       // DEL is not printable
      "\x1b$B",      // an escape sequence (ISO-2022), not a name
  };
  for (const char* s : bad) EXPECT_FALSE(modified_utf7_to_utf8(s).has_value()) << s;
}

TEST(ModifiedUtf7Rfc3501, RefusesInvalidUtf8) {
  EXPECT_FALSE(utf8_to_modified_utf7("\xed\xa0\x80").has_value());      // encoded surrogate
  EXPECT_FALSE(utf8_to_modified_utf7("\xc0\xaf").has_value());          // overlong '/'
  EXPECT_FALSE(utf8_to_modified_utf7("\xf4\x90\x80\x80").has_value());  // above U+10FFFF
}

}  // namespace
}  // namespace mailroom::maildir
