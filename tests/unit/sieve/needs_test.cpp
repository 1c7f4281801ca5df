// reads_body (needs.hpp): only programs made of kinds known to read header
// fields alone are handed the header block; body, and any kind the list
// does not know, count as reading the body.
#include <gtest/gtest.h>

#include <string>

#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/needs.hpp"

namespace mailroom::sieve {
namespace {

bool reads_body_of(const std::string& script) {
  auto program = compile(script);
  EXPECT_TRUE(program) << script;
  return program && reads_body(*program);
}

TEST(SieveNeeds, HeaderRulesDoNotReadTheBody) {
  EXPECT_FALSE(reads_body_of(
      "require [\"fileinto\", \"envelope\", \"variables\", \"imap4flags\"];\n"
      "if anyof (header :contains \"subject\" \"x\", not address :is \"from\" \"a@b.c\",\n"
      "          allof (envelope \"to\" \"b@c.d\", exists \"x\", size :over 1K)) {\n"
      "  set \"v\" \"1\"; addflag \"\\\\Seen\"; fileinto \"A\"; stop;\n"
      "} elsif string \"${v}\" \"1\" { discard; } else { keep; }\n"));
}

TEST(SieveNeeds, BodyAnywhereReadsTheBody) {
  EXPECT_TRUE(reads_body_of("require \"body\";\nif body :contains \"x\" { discard; }\n"));
  EXPECT_TRUE(reads_body_of(
      "require [\"body\", \"fileinto\"];\n"
      "if true { if anyof (false, not body :raw :contains \"x\") { fileinto \"A\"; } }\n"));
}

TEST(SieveNeeds, AKindNotInTheListReadsTheBody) {
  auto program = compile("if header :is \"x\" \"y\" { keep; }\n");
  ASSERT_TRUE(program);
  ASSERT_FALSE(reads_body(*program));
  Program unknown_test = *program;
  unknown_test.commands[0].test->kind = static_cast<CompiledTest::Kind>(1000);
  EXPECT_TRUE(reads_body(unknown_test));
  Program unknown_command = *program;
  unknown_command.commands[0].block[0].kind = static_cast<CompiledCommand::Kind>(1000);
  EXPECT_TRUE(reads_body(unknown_command));
}

// The shipped default after-script reads only the verdict and folders.
TEST(SieveNeeds, SpamtestAndSpecialUseDoNotReadTheBody) {
  EXPECT_FALSE(reads_body_of(
      "require [\"spamtest\", \"relational\", \"comparator-i;ascii-numeric\", \"fileinto\",\n"
      "         \"special-use\", \"date\", \"environment\"];\n"
      "if allof (spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"6\",\n"
      "          date :is \"date\" \"year\" \"2026\", environment \"name\" \"mailroom\",\n"
      "          specialuse_exists \"\\\\Junk\") {\n"
      "  fileinto :specialuse \"\\\\Junk\" \"Junk\";\n}\n"));
}

// The stored copy of an edited message is the text the scripts saw: a
// header-only copy there would lose the body (RFC 5293).
TEST(SieveNeeds, AScriptThatMayEditSeesTheWholeMessage) {
  EXPECT_TRUE(reads_body_of("require \"editheader\";\naddheader \"X-A\" \"1\";\n"));
  EXPECT_TRUE(reads_body_of(
      "require \"editheader\";\nif header :is \"x\" \"y\" { deleteheader \"x\"; }\n"));
}

// RFC 5703 §4: :mime tests read the MIME parts' header fields.
TEST(SieveNeeds, MimeHeaderTestsReadTheBody) {
  EXPECT_TRUE(reads_body_of(
      "require [\"mime\", \"fileinto\"];\n"
      "if header :mime :anychild :type \"Content-Type\" \"image\" { fileinto \"A\"; }\n"));
}

}  // namespace
}  // namespace mailroom::sieve
