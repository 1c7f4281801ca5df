// The :regex match type (draft-murchison-sieve-regex-08) on RE2: POSIX
// extended syntax, case by comparator, UTF-8, match variables, limits, and
// set :quoteregex.
#include "sieve/regex.hpp"
#include "extension_support.hpp"

namespace mailroom::sieve {
namespace {

using namespace ext_testing;

const std::string kMessage =
    "Subject: Caf\xC3\xA9 order 42 confirmed\r\nX-Mailer: Test*Mailer?v1\r\n\r\nbody\r\n";
const std::string kRequire = "require [\"regex\", \"fileinto\", \"variables\"];\n";

Words subject(const std::string& tags, const std::string& pattern) {
  return run_words(kRequire + "if header :regex " + tags + " \"subject\" \"" + pattern +
                       "\" { fileinto \"hit\"; }",
                   kMessage);
}

TEST(SieveRegex, MatchesAnywhereWithAnchorsWhenAsked) {
  EXPECT_EQ(subject("", "order [0-9]+"), (Words{"fileinto:hit"}));
  EXPECT_EQ(subject("", "^order"), (Words{"keep*"}));
  EXPECT_EQ(subject("", "confirmed$"), (Words{"fileinto:hit"}));
  EXPECT_EQ(subject("", "(cancel|confirm)ed"), (Words{"fileinto:hit"}));
  EXPECT_EQ(subject("", "^[[:alpha:]]+. [a-z]{5} [[:digit:]]{2}"), (Words{"fileinto:hit"}));
}

TEST(SieveRegex, CaseFollowsTheComparator) {
  EXPECT_EQ(subject("", "ORDER"), (Words{"fileinto:hit"}));  // i;ascii-casemap, the default
  EXPECT_EQ(subject(":comparator \"i;octet\"", "ORDER"), (Words{"keep*"}));
  EXPECT_EQ(subject(":comparator \"i;octet\"", "order"), (Words{"fileinto:hit"}));
}

TEST(SieveRegex, DotIsOneUtf8Character) {
  EXPECT_EQ(subject("", "^Caf. order"), (Words{"fileinto:hit"}));
  EXPECT_EQ(subject("", "^Caf.. order"), (Words{"keep*"}));
}

TEST(SieveRegex, MatchVariables) {
  EXPECT_EQ(run_words(kRequire + "if header :regex \"subject\" \"order ([0-9]+) (x)?(c[a-z]+)\" "
                                 "{ fileinto \"${0}|${1}|${2}|${3}\"; }",
                      kMessage),
            (Words{"fileinto:order 42 confirmed|42||confirmed"}));
}

// RunOptions::regex_cache outlives a run: many messages in one process
// (sieve filter, bench/sieve) compile each pattern once, not once each.
TEST(SieveRegex, ACacheInRunOptionsKeepsPatternsAcrossRuns) {
  RunOptions options;
  options.regex_cache = make_regex_cache();
  const std::string script =
      kRequire + "if header :regex \"subject\" \"order [0-9]+\" { fileinto \"hit\"; }";
  EXPECT_EQ(run_words(script, kMessage, options), (Words{"fileinto:hit"}));
  EXPECT_EQ(run_words(script, kMessage, options), (Words{"fileinto:hit"}));
  EXPECT_EQ(options.regex_cache->size(), 1U);
}

TEST(SieveRegex, QuoteregexMatchesLiterally) {
  EXPECT_EQ(run_words(kRequire + "set :quoteregex \"q\" \"Test*Mailer?v1\";\n"
                                 "if header :regex \"x-mailer\" \"^${q}$\" { fileinto \"hit\"; }",
                      kMessage),
            (Words{"fileinto:hit"}));
  EXPECT_EQ(quote_regex("a.b*c\\d(e)"), "a\\.b\\*c\\\\d\\(e\\)");
  EXPECT_EQ(compile_error("require [\"regex\", \"variables\"];\n"
                          "set :quoteregex :quotewildcard \"q\" \"x\";")
                ->kind,
            DiagnosticKind::duplicate_tag);
  EXPECT_EQ(compile_error("require \"variables\";\nset :quoteregex \"q\" \"x\";")->kind,
            DiagnosticKind::missing_require);
}

TEST(SieveRegex, PatternFromVariablesThatDoesNotCompileNeverMatches) {
  EXPECT_EQ(run_words(kRequire + "set \"p\" \"(\";\nif header :regex \"subject\" \"${p}\" "
                                 "{ fileinto \"x\"; } else { fileinto \"no\"; }",
                      kMessage),
            (Words{"fileinto:no"}));
}

TEST(SieveRegex, ErrorCases) {
  auto bad = compile_error(kRequire + "if header :regex \"subject\"\n  \"(unclosed\" { keep; }");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->kind, DiagnosticKind::bad_regex);
  EXPECT_EQ(bad->position.line, 3U);
  EXPECT_EQ(bad->position.column, 3U);
  EXPECT_EQ(compile_error("if header :regex \"subject\" \"x\" { keep; }")->kind,
            DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error("require [\"regex\", \"comparator-i;ascii-numeric\"];\n"
                          "if header :regex :comparator \"i;ascii-numeric\" \"a\" \"1\" { keep; }")
                ->kind,
            DiagnosticKind::unsupported_match_type);
  EXPECT_EQ(compile_error(kRequire + "if header :regex :matches \"a\" \"b\" { keep; }")->kind,
            DiagnosticKind::duplicate_tag);
  // Perl's syntax is not POSIX's: no lookahead, no backreference.
  EXPECT_EQ(compile_error(kRequire + "if header :regex \"a\" \"(?=x)\" { keep; }")->kind,
            DiagnosticKind::bad_regex);
  EXPECT_EQ(compile_error(kRequire + "if header :regex \"a\" \"(a)\\\\1\" { keep; }")->kind,
            DiagnosticKind::bad_regex);
}

TEST(SieveRegex, Limits) {
  std::string too_long(kMaxRegexLength + 1, 'a');
  EXPECT_TRUE(regex_problem(too_long, Comparator::octet));
  EXPECT_FALSE(regex_problem(std::string(kMaxRegexLength, 'a'), Comparator::octet));
  // A pattern whose program needs more than kRegexMaxMemory is refused.
  EXPECT_TRUE(regex_problem("(((a{100}){100}){100})", Comparator::octet));
  // Linear time: the classic catastrophic pattern on a long value.
  std::string value(5000, 'a');
  RegexCache cache;
  std::string problem;
  auto hit = cache.search("^(a+)+$", Comparator::octet, value + "b", nullptr, problem);
  ASSERT_TRUE(hit);
  EXPECT_FALSE(*hit);
}

}  // namespace
}  // namespace mailroom::sieve
