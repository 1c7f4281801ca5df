// RFC 5463 ihave and error: the test is decided when compiled, a block
// that needs an extension we lack is not checked, what ihave finds may be
// used afterwards, and error ends the run with its message.
#include "extension_support.hpp"

namespace mailroom::sieve {
namespace {

using namespace ext_testing;

const std::string kMessage = "Subject: x\r\n\r\nbody\r\n";

TEST(SieveIhave, KnownAndUnknownCapabilities) {
  EXPECT_EQ(run_words("require [\"ihave\", \"fileinto\"];\nif ihave \"copy\" { fileinto \"y\"; }",
                      kMessage),
            (Words{"fileinto:y"}));
  EXPECT_EQ(
      run_words("require [\"ihave\", \"fileinto\"];\n"
                "if ihave [\"copy\", \"x-nope\"] { fileinto \"y\"; } else { fileinto \"n\"; }",
                kMessage),
      (Words{"fileinto:n"}));
}

TEST(SieveIhave, BlockOfAnUnknownExtensionIsNotChecked) {
  // §4: "x_nope" is no command we know, and its block can never run.
  EXPECT_FALSE(compile_error("require \"ihave\";\nif ihave \"x-nope\" { x_nope :tag \"a\"; }"));
  EXPECT_FALSE(compile_error("require \"ihave\";\nif allof (ihave \"x-nope\", true) { x_nope; }"));
  // The else block, and a negated test, can run: they are checked.
  auto else_error =
      compile_error("require \"ihave\";\nif ihave \"x-nope\" { keep; }\nelse { x_nope; }");
  ASSERT_TRUE(else_error);
  EXPECT_EQ(else_error->kind, DiagnosticKind::unknown_command);
  EXPECT_EQ(else_error->position.line, 3U);
  EXPECT_EQ(compile_error("require \"ihave\";\nif not ihave \"x-nope\" { x_nope; }")->kind,
            DiagnosticKind::unknown_command);
}

TEST(SieveIhave, FoundExtensionsCountAsRequired) {
  // As Pigeonhole: fileinto needs no require after ihave found it.
  EXPECT_EQ(
      run_words("require \"ihave\";\nif ihave \"fileinto\" { fileinto \"a\"; }\nfileinto \"b\";",
                kMessage),
      (Words{"fileinto:a", "fileinto:b"}));
}

TEST(SieveIhave, CapabilitiesAreTakenAsWritten) {
  // A variable in the list is not expanded (as Pigeonhole): "${x}" is no
  // capability, so the test is false.
  EXPECT_EQ(run_words("require [\"ihave\", \"variables\", \"fileinto\"];\nset \"x\" \"copy\";\n"
                      "if ihave \"${x}\" { fileinto \"y\"; } else { fileinto \"n\"; }",
                      kMessage),
            (Words{"fileinto:n"}));
}

TEST(SieveIhave, ErrorEndsTheRunAndKeeps) {
  auto outcome = run_script(
      "require [\"ihave\", \"fileinto\", \"variables\"];\nset \"w\" \"here\";\n"
      "fileinto \"a\";\nerror \"stopped ${w}\";\nfileinto \"b\";",
      kMessage);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->message, "stopped here");
  EXPECT_EQ(outcome.error->position.line, 4U);
  EXPECT_EQ(words(outcome), (Words{"error", "keep*"}));
}

TEST(SieveIhave, ErrorCases) {
  EXPECT_EQ(compile_error("if ihave \"copy\" { keep; }")->kind, DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error("error \"x\";")->kind, DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error("require \"ihave\";\nerror;")->kind, DiagnosticKind::bad_arguments);
  EXPECT_EQ(compile_error("require \"ihave\";\nerror \"a\" \"b\";")->kind,
            DiagnosticKind::bad_arguments);
  EXPECT_EQ(compile_error("require \"ihave\";\nerror [\"a\", \"b\"];")->kind,
            DiagnosticKind::bad_arguments);
  EXPECT_EQ(compile_error("require \"ihave\";\nif ihave 1 { keep; }")->kind,
            DiagnosticKind::bad_arguments);
}

}  // namespace
}  // namespace mailroom::sieve
