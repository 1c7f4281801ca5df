#include "mailroom/util/text.hpp"

#include <gtest/gtest.h>

namespace mailroom {
namespace {

TEST(TrimSpace, BlanksAndLineEndsGoFromBothEnds) {
  EXPECT_EQ(trim_space(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim_space("a"), "a");
  EXPECT_EQ(trim_space(""), "");
  EXPECT_EQ(trim_space(" \t\r\n "), "");
  EXPECT_EQ(trim_space("\va\f"), "\va\f");  // only SP, HT, CR, LF count
  static_assert(trim_space("  x ") == "x");
}

TEST(TrimWsp, OnlySpaceAndTabGo) {
  EXPECT_EQ(trim_wsp(" \t a b \t"), "a b");
  EXPECT_EQ(trim_wsp("\r\na\r\n"), "\r\na\r\n");
  EXPECT_EQ(trim_wsp(" \t "), "");
}

TEST(Iequals, AsciiLettersOnlyIgnoreCase) {
  EXPECT_TRUE(iequals("Received", "rECEIVED"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_FALSE(iequals("[", "{"));        // 0x5B and 0x7B differ by 0x20 but are no letters
  EXPECT_FALSE(iequals("\xC4", "\xE4"));  // Latin-1 Ä and ä: octets, not letters
  static_assert(iequals("DKIM-Signature", "dkim-signature"));
}

TEST(AsciiLower, LettersOnly) {
  EXPECT_EQ(ascii_lower("MiXeD-09_@Z"), "mixed-09_@z");
  EXPECT_EQ(ascii_lower("\xC4"), "\xC4");
  static_assert(ascii_lower('Q') == 'q' && ascii_lower('@') == '@');
}

TEST(HexValue, BothCasesAndNothingElse) {
  EXPECT_EQ(hex_value('0'), 0);
  EXPECT_EQ(hex_value('9'), 9);
  EXPECT_EQ(hex_value('a'), 10);
  EXPECT_EQ(hex_value('F'), 15);
  EXPECT_EQ(hex_value('g'), -1);
  EXPECT_EQ(hex_value('G'), -1);
  EXPECT_EQ(hex_value('/'), -1);
}

TEST(Blanks, WspIsSpaceAndTabSpaceAddsLineEnds) {
  EXPECT_TRUE(is_wsp(' ') && is_wsp('\t'));
  EXPECT_FALSE(is_wsp('\r') || is_wsp('\n') || is_wsp('\v'));
  EXPECT_TRUE(is_space('\r') && is_space('\n') && is_space(' '));
  EXPECT_FALSE(is_space('\f'));
}

}  // namespace
}  // namespace mailroom
