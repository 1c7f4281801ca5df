// RFC 5235 spamtest, spamtestplus and virustest: the verdict RunOptions
// gives ("0" untested), :percent, and the score mapping the pipeline and
// `mailroom sieve test --spam-score` share.
#include "extension_support.hpp"

namespace mailroom::sieve {
namespace {

using namespace ext_testing;

const std::string kMessage = "Subject: x\r\n\r\nbody\r\n";

std::string value_folder(const std::string& require, const std::string& test) {
  return "require [\"" + require + "\", \"fileinto\", \"variables\"];\nif " + test +
         " :matches \"*\" { fileinto \"${1}\"; }";
}

TEST(SieveSpamtest, UntestedIsZero) {
  EXPECT_EQ(run_words(value_folder("spamtest", "spamtest"), kMessage), (Words{"fileinto:0"}));
  EXPECT_EQ(run_words(value_folder("spamtestplus", "spamtest :percent"), kMessage),
            (Words{"fileinto:0"}));
  EXPECT_EQ(run_words(value_folder("virustest", "virustest"), kMessage), (Words{"fileinto:0"}));
}

TEST(SieveSpamtest, VerdictOfTheRun) {
  RunOptions options;
  options.spam = TestVerdict{7, 66};
  options.virus = TestVerdict{5, 0};
  EXPECT_EQ(run_words(value_folder("spamtest", "spamtest"), kMessage, options),
            (Words{"fileinto:7"}));
  EXPECT_EQ(run_words(value_folder("spamtestplus", "spamtest"), kMessage, options),
            (Words{"fileinto:7"}));
  EXPECT_EQ(run_words(value_folder("spamtestplus", "spamtest :percent"), kMessage, options),
            (Words{"fileinto:66"}));
  EXPECT_EQ(run_words(value_folder("virustest", "virustest"), kMessage, options),
            (Words{"fileinto:5"}));
}

TEST(SieveSpamtest, TheDefaultAfterScriptsThreshold) {
  // rules/default-after.sieve: level 6 (SCL 5) and up is spam.
  const std::string script =
      "require [\"spamtest\", \"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
      "if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"6\" { fileinto \"Junk\"; }";
  RunOptions options;
  options.spam = spam_verdict(4.99);
  EXPECT_EQ(run_words(script, kMessage, options), (Words{"keep*"}));
  options.spam = spam_verdict(5);
  EXPECT_EQ(run_words(script, kMessage, options), (Words{"fileinto:Junk"}));
  options.spam.reset();
  EXPECT_EQ(run_words(script, kMessage, options), (Words{"keep*"}));
}

TEST(SieveSpamtest, ScoreMapping) {
  // SCL = the integer part held to 0..9; level SCL + 1; percent score*100/9.
  EXPECT_EQ(spam_confidence_level(-3), 0);
  EXPECT_EQ(spam_confidence_level(4.9), 4);
  EXPECT_EQ(spam_confidence_level(5), 5);
  EXPECT_EQ(spam_confidence_level(42), 9);
  EXPECT_EQ(spam_verdict(0).level, 1);
  EXPECT_EQ(spam_verdict(8.99).level, 9);
  EXPECT_EQ(spam_verdict(9).level, 10);
  EXPECT_EQ(spam_verdict(4.5).percent, 50);
  EXPECT_EQ(spam_verdict(5.6).percent, 62);
  EXPECT_EQ(spam_verdict(-1).percent, 0);
  EXPECT_EQ(spam_verdict(100).percent, 100);
}

TEST(SieveSpamtest, ErrorCases) {
  EXPECT_EQ(compile_error("if spamtest \"5\" { keep; }")->kind, DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error("if virustest \"5\" { keep; }")->kind, DiagnosticKind::missing_require);
  // :percent is spamtestplus's, on spamtest only.
  EXPECT_EQ(compile_error("require \"spamtest\";\nif spamtest :percent \"5\" { keep; }")->kind,
            DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error("require [\"spamtestplus\", \"virustest\"];\n"
                          "if virustest :percent \"5\" { keep; }")
                ->kind,
            DiagnosticKind::unknown_tag);
  EXPECT_EQ(
      compile_error("require \"spamtestplus\";\nif spamtest :percent :percent \"5\" { keep; }")
          ->kind,
      DiagnosticKind::duplicate_tag);
  EXPECT_EQ(compile_error("require \"spamtest\";\nif spamtest [\"5\", \"6\"] { keep; }")->kind,
            DiagnosticKind::bad_arguments);
  EXPECT_EQ(compile_error("require \"virustest\";\nif virustest { keep; }")->kind,
            DiagnosticKind::bad_arguments);
}

}  // namespace
}  // namespace mailroom::sieve
