// RFC 5051 i;unicode-casemap: titlecase then NFKD, for :is, :contains,
// :matches (and the order of :value).
#include "sieve/unicode_casemap.hpp"
#include "extension_support.hpp"

namespace mailroom::sieve {
namespace {

using namespace ext_testing;

const std::string kRequire =
    "require [\"comparator-i;unicode-casemap\", \"fileinto\", \"variables\", \"relational\"];\n";

bool compares(const std::string& match, const std::string& value, const std::string& key) {
  auto words = run_words(kRequire + "if string :comparator \"i;unicode-casemap\" " + match + " \"" +
                             value + "\" \"" + key + "\" { fileinto \"hit\"; }",
                         "Subject: x\r\n\r\nb\r\n");
  return words == Words{"fileinto:hit"};
}

TEST(SieveUnicodeCasemap, CanonicalForm) {
  // §2.1: titlecase, then NFKD.
  EXPECT_EQ(unicode_casemap("abc"), "ABC");
  EXPECT_EQ(unicode_casemap("\xC3\xA9"), "E\xCC\x81");  // é -> E + U+0301
  // The ligature ﬁ has no titlecase of its own: NFKD then gives "fi" (the
  // steps run in this order, §2.1); fullwidth ａ titlecases to Ａ, then "A".
  EXPECT_EQ(unicode_casemap("\xEF\xAC\x81"), "fi");
  EXPECT_EQ(unicode_casemap("\xEF\xBD\x81"), "A");
  // ǆ titlecases to ǅ (not to Ǆ), which decomposes to D, z, U+030C.
  EXPECT_EQ(unicode_casemap("\xC7\x86"), "Dz\xCC\x8C");
  EXPECT_EQ(unicode_casemap("a\xFF"
                            "b"),
            "A\xFF"
            "B");  // not UTF-8: kept as it is
}

TEST(SieveUnicodeCasemap, MatchTypes) {
  EXPECT_TRUE(compares(":is", "CAF\xC3\x89", "caf\xC3\xA9"));   // CAFÉ / café
  EXPECT_TRUE(compares(":is", "cafe\xCC\x81", "CAF\xC3\x89"));  // combining accent
  EXPECT_TRUE(compares(":contains",
                       "big \xEF\xBD\x81\xEF\xBD\x82"
                       "c offer",
                       "ABC"));  // fullwidth
  EXPECT_TRUE(compares(":matches",
                       "Stra\xC3\x9F"
                       "e",
                       "STRA?E"));  // ß stays one character
  EXPECT_FALSE(compares(":is", "cafe", "caf\xC3\xA9"));
  EXPECT_TRUE(compares(":value \"lt\"", "apple", "BANANA"));
  // i;ascii-casemap folds only A-Z: the same pair is different there.
  EXPECT_EQ(run_words("require \"fileinto\";\nif header :is \"subject\" \"caf\xC3\xA9\" "
                      "{ fileinto \"hit\"; }",
                      "Subject: CAF\xC3\x89\r\n\r\nb\r\n"),
            (Words{"keep*"}));
}

TEST(SieveUnicodeCasemap, MatchVariablesComeFromTheCanonicalForm) {
  EXPECT_EQ(run_words(kRequire + "if header :comparator \"i;unicode-casemap\" :matches \"subject\" "
                                 "\"*offer\" { fileinto \"${1}\"; }",
                      "Subject: big OFFER\r\n\r\nb\r\n"),
            (Words{"fileinto:BIG "}));
}

TEST(SieveUnicodeCasemap, ErrorCases) {
  EXPECT_EQ(
      compile_error("if header :comparator \"i;unicode-casemap\" \"a\" \"b\" { keep; }")->kind,
      DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error("require \"comparator-i;unicode-casemap\";\n"
                          "if header :comparator \"i;unicode-casemapx\" \"a\" \"b\" { keep; }")
                ->kind,
            DiagnosticKind::unknown_comparator);
}

}  // namespace
}  // namespace mailroom::sieve
