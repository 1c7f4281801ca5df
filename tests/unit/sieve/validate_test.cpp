// The validator: scripts that must compile, and scripts that must fail with
// a given error kind at a given line (STYLE.md: tables side by side).
#include <gtest/gtest.h>

#include "mailroom/sieve/compile.hpp"

namespace mailroom::sieve {
namespace {

class SieveCompiles : public ::testing::TestWithParam<const char*> {};

TEST_P(SieveCompiles, Clean) {
  auto program = compile(GetParam());
  EXPECT_TRUE(program) << GetParam() << "\n -> " << program.error().front().message;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5228, SieveCompiles,
    ::testing::Values(
        "", "keep;", "discard;", "stop;", "# only a comment", "KEEP;",
        "require \"fileinto\"; fileinto \"INBOX.a\";",
        "require [\"fileinto\", \"copy\"]; fileinto :copy \"a\"; redirect :copy \"a@b.example\";",
        "redirect \"user@example.com\";", "redirect \"Bob <bob@example.com>\";",
        "require \"fileinto\"; require \"envelope\"; if envelope :all :is \"from\" \"\" {}",
        "if header :is [\"subject\", \"x-list\"] [\"a\", \"b\"] { keep; } elsif true {} else {}",
        "if address :localpart :contains \"from\" \"bob\" {}",
        "if address :comparator \"i;octet\" :domain :matches \"to\" \"*.example\" {}",
        "require \"comparator-i;ascii-numeric\";"
        "if header :comparator \"i;ascii-numeric\" :is \"x-n\" \"5\" {}",
        "require [\"comparator-i;octet\", \"comparator-i;ascii-casemap\"];",
        "if exists [\"from\", \"date\"] {}", "if size :under 10K { stop; }",
        "if allof (true, not false, anyof (exists \"x\")) {}", "if not not true {}",
        "if true { if false { keep; } else { discard; } }",
        "if header :matches :comparator \"i;ascii-casemap\" \"x\" \"*\" {}"));

struct Failing {
  const char* script;
  DiagnosticKind kind;
  std::size_t line;
};

class SieveFails : public ::testing::TestWithParam<Failing> {};

TEST_P(SieveFails, KindAndLine) {
  const auto& c = GetParam();
  auto program = compile(c.script);
  ASSERT_FALSE(program) << c.script;
  const Diagnostic& first = program.error().front();
  EXPECT_EQ(first.kind, c.kind) << c.script << "\n -> " << first.message;
  EXPECT_EQ(first.position.line, c.line) << c.script << "\n -> " << first.message;
}

using K = DiagnosticKind;
INSTANTIATE_TEST_SUITE_P(
    Rfc5228, SieveFails,
    ::testing::Values(
        Failing{"keep;\nfrobnicate;", K::unknown_command, 2},
        Failing{"if\nfoo {}", K::unknown_test, 2},
        Failing{"require \"vacation-x\";", K::unknown_extension, 1},
        Failing{"require \"FILEINTO\";", K::unknown_extension, 1},
        Failing{"keep;\nrequire \"fileinto\";", K::misplaced_require, 2},
        Failing{"if true { require \"fileinto\"; }", K::misplaced_require, 1},
        Failing{"\nfileinto \"x\";", K::missing_require, 2},
        Failing{"require \"fileinto\";\nfileinto :copy \"x\";", K::missing_require, 2},
        Failing{"if envelope \"from\" \"a\" {}", K::missing_require, 1},
        Failing{"keep;\nelsif true {}", K::misplaced_command, 2},
        Failing{"else {}", K::misplaced_command, 1},
        Failing{"if true {} keep; else {}", K::misplaced_command, 1},
        Failing{"keep \"x\";", K::bad_arguments, 1}, Failing{"stop {}", K::bad_arguments, 1},
        Failing{"if true;", K::bad_arguments, 1}, Failing{"if (true) {}", K::bad_arguments, 1},
        Failing{"redirect;", K::bad_arguments, 1},
        Failing{"redirect [\"a@b.c\", \"d@e.f\"];", K::bad_arguments, 1},
        Failing{"require \"fileinto\"; fileinto 5;", K::bad_arguments, 1},
        Failing{"redirect \"not an address\";", K::bad_address, 1},
        Failing{"redirect \"\";", K::bad_address, 1},
        Failing{"redirect :bogus \"a@b.c\";", K::unknown_tag, 1},
        Failing{"require \"copy\"; redirect :copy :copy \"a@b.c\";", K::duplicate_tag, 1},
        Failing{"if header :is :contains \"a\" \"b\" {}", K::duplicate_tag, 1},
        Failing{"if address :all :domain \"from\" \"b\" {}", K::duplicate_tag, 1},
        Failing{"if header :over \"a\" \"b\" {}", K::unknown_tag, 1},
        Failing{"if header :localpart \"a\" \"b\" {}", K::unknown_tag, 1},
        Failing{"if header :comparator \"i;nope\" \"a\" \"b\" {}", K::unknown_comparator, 1},
        Failing{"if header :comparator \"i;ascii-numeric\" \"a\" \"1\" {}", K::missing_require, 1},
        Failing{"require \"comparator-i;ascii-numeric\";\n"
                "if header :contains :comparator \"i;ascii-numeric\" \"a\" \"1\" {}",
                K::unsupported_match_type, 2},
        Failing{"if header :comparator {}", K::bad_arguments, 1},
        Failing{"if header \"a\" {}", K::bad_arguments, 1},
        Failing{"if header \"a\" \"b\" \"c\" {}", K::bad_arguments, 1},
        Failing{"if address \"subject\" \"x\" {}", K::bad_header_name, 1},
        Failing{"require \"envelope\"; if envelope \"auth\" \"x\" {}", K::bad_envelope_part, 1},
        Failing{"if size 10 {}", K::bad_arguments, 1},
        Failing{"if size :over \"10\" {}", K::bad_arguments, 1},
        Failing{"if size :over :under 10 {}", K::duplicate_tag, 1},
        Failing{"if allof true {}", K::bad_arguments, 1},
        Failing{"if not (true, false) {}", K::bad_arguments, 1},
        Failing{"if true false {}", K::bad_arguments, 1},
        Failing{"if anyof (true, nope) {}", K::unknown_test, 1},
        Failing{"if address :user \"to\" \"x\" {}", K::missing_require, 1},
        Failing{"if header :count \"eq\" \"to\" \"1\" {}", K::missing_require, 1},
        Failing{"require \"relational\";\nif header :value \"xx\" \"to\" \"1\" {}",
                K::bad_arguments, 2},
        Failing{"require \"relational\";\nif header :value :is \"to\" \"1\" {}", K::bad_arguments,
                2},
        Failing{"require \"relational\";\nif header :count \"eq\" :is \"to\" \"1\" {}",
                K::duplicate_tag, 2},
        Failing{"require \"subaddress\"; if address :user :detail \"to\" \"x\" {}",
                K::duplicate_tag, 1},
        Failing{"require \"subaddress\"; if header :detail \"to\" \"x\" {}", K::unknown_tag, 1},
        Failing{"if header \"a\" :is \"b\" {}", K::bad_arguments, 1},
        Failing{"require \"copy\";\nredirect \"a@b.c\" :copy;", K::bad_arguments, 2},
        Failing{"keep;\nkeep", K::syntax, 2}));

TEST(SieveValidate, ReportsEveryError) {
  auto program = compile("foo;\nbar;\nkeep;\nif baz {}");
  ASSERT_FALSE(program);
  ASSERT_EQ(program.error().size(), 3U);
  EXPECT_EQ(program.error()[0].position.line, 1U);
  EXPECT_EQ(program.error()[1].position.line, 2U);
  EXPECT_EQ(program.error()[2].kind, DiagnosticKind::unknown_test);
}

// §2.4.2.2: an invalid header name is not an error; it never matches.
TEST(SieveValidate, InvalidHeaderNamesWarn) {
  auto program = compile("if header \"bad name\" \"b\" {}\nif exists [\"from\", \"a:b\"] {}");
  ASSERT_TRUE(program);
  ASSERT_EQ(program->warnings.size(), 2U);
  EXPECT_EQ(program->warnings[0].kind, DiagnosticKind::bad_header_name);
  EXPECT_EQ(program->warnings[1].position.line, 2U);
}

TEST(SieveValidate, CompiledForm) {
  auto program = compile(
      "require [\"fileinto\", \"copy\"];\n"
      "if address :domain :matches [\"From\", \"Sender\"] \"*.example\" { fileinto :copy \"X\"; }");
  ASSERT_TRUE(program);
  EXPECT_EQ(program->capabilities, (std::vector<std::string>{"fileinto", "copy"}));
  ASSERT_EQ(program->commands.size(), 1U);
  const auto& test = *program->commands[0].test;
  EXPECT_EQ(test.kind, CompiledTest::Kind::address);
  EXPECT_EQ(test.part, AddressPart::domain);
  EXPECT_EQ(test.match, MatchType::matches);
  EXPECT_EQ(test.comparator, Comparator::ascii_casemap);
  EXPECT_EQ(test.names, (std::vector<std::string>{"From", "Sender"}));
  const auto& fileinto = program->commands[0].block.at(0);
  EXPECT_EQ(fileinto.kind, CompiledCommand::Kind::fileinto);
  EXPECT_EQ(fileinto.target, "X");
  EXPECT_TRUE(fileinto.copy);
}

}  // namespace
}  // namespace mailroom::sieve
