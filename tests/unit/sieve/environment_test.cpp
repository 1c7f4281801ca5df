// RFC 5183 environment: the fixed items, the ones RunOptions gives, and
// an item we do not have (never matches).
#include "extension_support.hpp"

namespace mailroom::sieve {
namespace {

using namespace ext_testing;

const std::string kMessage = "Subject: x\r\n\r\nbody\r\n";
const std::string kRequire = "require [\"environment\", \"fileinto\", \"variables\"];\n";

std::string item_folder(const std::string& item) {
  return kRequire + "if environment :matches \"" + item + "\" \"*\" { fileinto \"${1}\"; }";
}

TEST(SieveEnvironment, FixedItems) {
  EXPECT_EQ(run_words(item_folder("location"), kMessage), (Words{"fileinto:MDA"}));
  EXPECT_EQ(run_words(item_folder("name"), kMessage), (Words{"fileinto:mailroom"}));
  EXPECT_EQ(run_words(item_folder("phase"), kMessage), (Words{"fileinto:during"}));
  auto version = run_words(item_folder("version"), kMessage);
  ASSERT_EQ(version.size(), 1U);
  EXPECT_NE(version[0].find('.'), std::string::npos) << version[0];
}

TEST(SieveEnvironment, ItemsFromRunOptions) {
  RunOptions options;
  options.environment.host = "mx1.example.net";
  options.environment.domain = "example.net";
  options.environment.remote_ip = "192.0.2.7";
  options.environment.remote_host = "client.example.org";
  EXPECT_EQ(run_words(item_folder("host"), kMessage, options), (Words{"fileinto:mx1.example.net"}));
  EXPECT_EQ(run_words(item_folder("domain"), kMessage, options), (Words{"fileinto:example.net"}));
  EXPECT_EQ(run_words(item_folder("remote-ip"), kMessage, options), (Words{"fileinto:192.0.2.7"}));
  EXPECT_EQ(run_words(item_folder("remote-host"), kMessage, options),
            (Words{"fileinto:client.example.org"}));
}

TEST(SieveEnvironment, AbsentItemsNeverMatch) {
  // Not given (no remote client), unknown, or not as written (names are
  // compared as written, as Pigeonhole does).
  for (const char* item : {"remote-ip", "remote-host", "no-such-item", "LOCATION"}) {
    EXPECT_EQ(
        run_words(kRequire + "if environment :contains \"" + item + "\" \"\" { fileinto \"x\"; }",
                  kMessage),
        (Words{"keep*"}))
        << item;
  }
}

TEST(SieveEnvironment, ErrorCases) {
  EXPECT_EQ(compile_error("if environment \"location\" \"MDA\" { keep; }")->kind,
            DiagnosticKind::missing_require);
  auto one = compile_error(kRequire + "if environment \"location\" { keep; }");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->kind, DiagnosticKind::bad_arguments);
  EXPECT_EQ(one->position.line, 2U);
  EXPECT_EQ(compile_error(kRequire + "if environment [\"a\", \"b\"] \"x\" { keep; }")->kind,
            DiagnosticKind::bad_arguments);
  EXPECT_EQ(compile_error(kRequire + "if environment :over \"location\" \"x\" { keep; }")->kind,
            DiagnosticKind::unknown_tag);
}

TEST(SieveEnvironment, ItemNameFromAVariable) {
  EXPECT_EQ(run_words(kRequire + "set \"i\" \"phase\";\nif environment :is \"${i}\" \"during\" { "
                                 "fileinto \"yes\"; }",
                      kMessage),
            (Words{"fileinto:yes"}));
}

}  // namespace
}  // namespace mailroom::sieve
