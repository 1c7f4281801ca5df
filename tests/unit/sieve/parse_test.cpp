// The grammar (RFC 5228 §8): the tree it builds, the strings it decodes,
// where it reports errors, and the limits it enforces while parsing.
#include <gtest/gtest.h>

#include <string>

#include "mailroom/sieve/parse.hpp"

namespace mailroom::sieve {
namespace {

Script parsed(std::string_view text) {
  auto script = parse_script(text);
  EXPECT_TRUE(script) << text << ": " << script.error().message;
  return script ? *script : Script{};
}

TEST(SieveParse, CommandsArgumentsAndBlocks) {
  auto s = parsed(
      "require [\"fileinto\", \"copy\"];\r\n"
      "if header :Contains \"Subject\" \"x\" { fileinto :copy \"A\"; } else { keep; }\r\n");
  ASSERT_EQ(s.commands.size(), 3U);
  EXPECT_EQ(s.commands[0].name, "require");
  ASSERT_EQ(s.commands[0].arguments.size(), 1U);
  EXPECT_EQ(s.commands[0].arguments[0].kind, Argument::Kind::string_list);
  EXPECT_EQ(s.commands[0].arguments[0].strings, (std::vector<std::string>{"fileinto", "copy"}));
  const Command& if_ = s.commands[1];
  EXPECT_TRUE(if_.has_block);
  ASSERT_EQ(if_.tests.size(), 1U);
  EXPECT_EQ(if_.tests[0].name, "header");
  EXPECT_EQ(if_.tests[0].arguments[0].tag, "contains");  // tags are case-insensitive
  EXPECT_EQ(if_.tests[0].position.line, 2U);
  EXPECT_EQ(if_.tests[0].position.column, 4U);
  ASSERT_EQ(if_.block.size(), 1U);
  EXPECT_EQ(if_.block[0].arguments.size(), 2U);
  EXPECT_EQ(s.commands[2].name, "else");
}

TEST(SieveParse, TestListsNest) {
  auto s = parsed("if anyof (not true, allof (false, exists \"x\")) {}");
  const sieve::Test& anyof = s.commands[0].tests[0];
  EXPECT_TRUE(anyof.test_list);
  ASSERT_EQ(anyof.tests.size(), 2U);
  EXPECT_EQ(anyof.tests[0].tests[0].name, "true");
  EXPECT_EQ(anyof.tests[1].tests[1].name, "exists");
}

struct StringCase {
  const char* script;
  const char* value;
};

class SieveStrings : public ::testing::TestWithParam<StringCase> {};

TEST_P(SieveStrings, Decode) {
  auto s = parsed(GetParam().script);
  ASSERT_EQ(s.commands.size(), 1U);
  ASSERT_FALSE(s.commands[0].arguments.empty());
  EXPECT_EQ(s.commands[0].arguments[0].strings.at(0), GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5228, SieveStrings,
    ::testing::Values(StringCase{R"(x "a\"b";)", "a\"b"}, StringCase{R"(x "a\\b";)", "a\\b"},
                      // §2.4.2: an undefined escape stands for the character itself.
                      StringCase{R"(x "\a\*";)", "a*"},
                      StringCase{"x \"two\r\nlines\";", "two\r\nlines"},
                      StringCase{"x text:\r\nline 1\r\n..dot\r\n.\r\n;", "line 1\r\n.dot\r\n"},
                      StringCase{"x text: # comment\n.not end\n.\n;", ".not end\r\n"},
                      StringCase{"x text:\n.\n;", ""},
                      StringCase{"x \"/* not a comment */\";", "/* not a comment */"},
                      StringCase{"x [\"a\"] ;", "a"}));

TEST(SieveParse, NumbersWithQuantifiers) {
  auto s = parsed("x 0 10 1K 2M 3G 4k;");
  std::vector<std::uint64_t> numbers;
  for (const auto& a : s.commands[0].arguments) numbers.push_back(a.number);
  EXPECT_EQ(numbers, (std::vector<std::uint64_t>{0, 10, 1024, 2 * 1024 * 1024,
                                                 3ULL * 1024 * 1024 * 1024, 4096}));
}

TEST(SieveParse, CommentsAnywhereBetweenTokens) {
  auto s = parsed("# first\nif /* a */ true /* b */ { # c\n keep /* d */ ; } # last");
  EXPECT_EQ(s.commands.size(), 1U);
  EXPECT_EQ(s.commands[0].block[0].name, "keep");
}

struct ErrorCase {
  const char* script;
  DiagnosticKind kind;
  std::size_t line;
  std::size_t column;
};

class SieveParseErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(SieveParseErrors, KindAndPlace) {
  const auto& c = GetParam();
  auto s = parse_script(c.script);
  ASSERT_FALSE(s) << c.script;
  EXPECT_EQ(s.error().kind, c.kind) << c.script << ": " << s.error().message;
  EXPECT_EQ(s.error().position.line, c.line) << c.script << ": " << s.error().message;
  EXPECT_EQ(s.error().position.column, c.column) << c.script << ": " << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, SieveParseErrors,
    ::testing::Values(ErrorCase{"keep", DiagnosticKind::syntax, 1, 5},
                      ErrorCase{"keep;\nfileinto \"a\" }", DiagnosticKind::syntax, 2, 14},
                      ErrorCase{"if true { keep;", DiagnosticKind::syntax, 1, 16},
                      ErrorCase{"fileinto \"abc", DiagnosticKind::syntax, 1, 14},
                      ErrorCase{"keep; /* open", DiagnosticKind::syntax, 1, 14},
                      ErrorCase{"x text:\nno end\n", DiagnosticKind::syntax, 3, 1},
                      ErrorCase{"x [\"a\" \"b\"];", DiagnosticKind::syntax, 1, 8},
                      ErrorCase{"x [];", DiagnosticKind::syntax, 1, 4},
                      ErrorCase{"if anyof (true,) {}", DiagnosticKind::syntax, 1, 16},
                      ErrorCase{"if anyof (true; {}", DiagnosticKind::syntax, 1, 15},
                      ErrorCase{"x 18446744073709551616;", DiagnosticKind::limit, 1, 3},
                      ErrorCase{"x 17179869184G;", DiagnosticKind::limit, 1, 3},
                      ErrorCase{"1x;", DiagnosticKind::syntax, 1, 1},
                      ErrorCase{"x :;", DiagnosticKind::syntax, 1, 3}));

TEST(SieveParseLimits, ScriptSize) {
  Limits limits;
  limits.max_script_size = 10;
  auto s = parse_script("keep; keep;", limits);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, DiagnosticKind::limit);
}

TEST(SieveParseLimits, NestingIsCheckedWhileParsing) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "if true {\n";
  // No closing braces at all: the limit must fire before the missing '}'.
  auto s = parse_script(deep);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, DiagnosticKind::limit);
  EXPECT_LE(s.error().position.line, 33U);

  std::string nots = "if ";
  for (int i = 0; i < 100; ++i) nots += "not ";
  nots += "true {}";
  auto t = parse_script(nots);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, DiagnosticKind::limit);
}

TEST(SieveParseLimits, StringLengthCommandsAndListItems) {
  Limits limits;
  limits.max_string_length = 4;
  EXPECT_TRUE(parse_script("x \"abcd\";", limits));
  auto s = parse_script("x \"abcde\";", limits);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, DiagnosticKind::limit);
  EXPECT_FALSE(parse_script("x text:\nabcdef\n.\n;", limits));

  limits = Limits{};
  limits.max_commands = 3;
  EXPECT_TRUE(parse_script("keep; keep; keep;", limits));
  auto c = parse_script("keep; keep; keep; keep;", limits);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, DiagnosticKind::limit);
  EXPECT_EQ(c.error().position.column, 19U);

  limits = Limits{};
  limits.max_list_items = 2;
  EXPECT_TRUE(parse_script("x [\"a\", \"b\"];", limits));
  EXPECT_FALSE(parse_script("x [\"a\", \"b\", \"c\"];", limits));
}

// STYLE.md: feed hostile input in pieces; here every prefix of a script,
// which must each either parse or fail cleanly, never crash.
TEST(SieveParse, EveryPrefixFailsCleanly) {
  std::string script =
      "require [\"fileinto\"];\r\nif anyof (header :matches \"subject\" \"*x?\", size :over 1K)\r\n"
      "{ fileinto text:\r\nA\r\n..\r\n.\r\n; } /* c */ # d\r\n";
  for (std::size_t n = 0; n <= script.size(); ++n) {
    auto s = parse_script(std::string_view(script).substr(0, n));
    if (!s) EXPECT_GE(s.error().position.line, 1U);
  }
  EXPECT_TRUE(parse_script(script));
}

}  // namespace
}  // namespace mailroom::sieve
