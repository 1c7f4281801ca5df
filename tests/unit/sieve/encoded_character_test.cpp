// RFC 5228 §2.4.2.4 encoded-character, with the RFC's own examples.
#include <gtest/gtest.h>

#include "mailroom/sieve/compile.hpp"
#include "sieve/encoded_character.hpp"

namespace mailroom::sieve {
namespace {

struct Case {
  const char* text;
  const char* decoded;  // nullptr: an error
};

class SieveEncodedCharacter : public ::testing::TestWithParam<Case> {};

TEST_P(SieveEncodedCharacter, Decode) {
  auto out = decode_encoded_characters(GetParam().text);
  if (GetParam().decoded == nullptr) {
    EXPECT_FALSE(out) << GetParam().text;
    return;
  }
  ASSERT_TRUE(out) << GetParam().text;
  EXPECT_EQ(*out, GetParam().decoded) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5228, SieveEncodedCharacter,
    ::testing::Values(
        // §2.4.2.4's examples: "$${hex:24 24}" is "$$$", "${unicode:40}" is "@"
        Case{"$${hex:24 24}", "$$$"}, Case{"${hex:40}", "@"}, Case{"${HEX: 40 }", "@"},
        Case{"${unicode:40}", "@"}, Case{"${UNICODE:0000000040}", "@"},
        Case{"${unicode:e9 20ac}", "\xC3\xA9\xE2\x82\xAC"},
        Case{"${unicode:1F600}", "\xF0\x9F\x98\x80"},
        Case{"a${hex:4}b",
             "a\x04"
             "b"},
        Case{"${hex:\r\n41\t42}", "AB"},
        // not the syntax: left as written
        Case{"${hex:}", "${hex:}"}, Case{"${hex:400}", "${hex:400}"},
        Case{"${hex:4g}", "${hex:4g}"}, Case{"${hex:40", "${hex:40"},
        Case{"${hexa:40}", "${hexa:40}"}, Case{"$ {hex:40}", "$ {hex:40}"},
        Case{"${unicode:}", "${unicode:}"}, Case{"${${hex:40}", "${@"},
        // outside Unicode scalar values: an error
        Case{"${unicode:D800}", nullptr}, Case{"${unicode:110000}", nullptr},
        Case{"${unicode:40 FFFFFFFFFF}", nullptr}));

// 0 is in the range §2.4.2.4 allows: a NUL, not U+FFFD.
TEST(SieveEncodedCharacter, UnicodeZeroIsNul) {
  auto out = decode_encoded_characters("a${unicode:0}b");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, std::string("a\0b", 3));
}

TEST(SieveEncodedCharacter, OnlyWhenRequired) {
  auto without = compile("if header :is \"x\" \"${hex:40}\" {}");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->commands[0].test->keys[0], "${hex:40}");
  auto with =
      compile("require \"encoded-character\";\nif header :is \"${hex:78}\" \"${hex:40}\" {}");
  ASSERT_TRUE(with);
  EXPECT_EQ(with->commands[0].test->names[0], "x");
  EXPECT_EQ(with->commands[0].test->keys[0], "@");
  auto bad = compile("require \"encoded-character\";\nredirect \"a${unicode:D800}@b.example\";");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error()[0].kind, DiagnosticKind::bad_encoded_character);
  EXPECT_EQ(bad.error()[0].position.line, 2U);
}

}  // namespace
}  // namespace mailroom::sieve
