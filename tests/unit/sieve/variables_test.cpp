// RFC 5229 variables: set and its modifiers (§4), references and match
// variables (§3), the string test (§5), the error cases and the limits.
// The expected values were checked against Pigeonhole 0.5.19's sieve-test.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "sieve/match.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

constexpr const char* kMessage =
    "From: \"Dave\" <Dave.Smith@Work.example.com>\r\n"
    "To: bob@example.net\r\n"
    "Subject: [acme-users] [fwd] version 1.0 is out\r\n"
    "X-Mailer: Test*Mailer?v1\r\n"
    "\r\n"
    "Hello.\r\n";

constexpr const char* kRequire = "require [\"variables\", \"fileinto\", \"relational\"];\n";

// The folders the script files into, in order, or "error: KIND" when it
// does not run; the implicit keep is left out.
std::vector<std::string> folders(const std::string& body, const RunLimits& limits = {}) {
  auto program = compile(kRequire + body);
  if (!program) return {"error: " + std::string(to_string(program.error().front().kind))};
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(kMessage));
  auto message = message::Message::parse(buffer);
  RunOptions options;
  options.limits = limits;
  auto outcome = run(*program, message, {"alice@example.org", "bob@example.net"}, options);
  std::vector<std::string> out;
  if (outcome.error) out.push_back("runtime: " + outcome.error->message);
  for (const auto& a : outcome.actions) {
    if (a.kind == ActionKind::fileinto) out.push_back(a.target);
  }
  return out;
}

using Folders = std::vector<std::string>;

struct Case {
  const char* script;
  Folders expected;
};

class SieveVariables : public ::testing::TestWithParam<Case> {};

TEST_P(SieveVariables, FilesInto) {
  EXPECT_EQ(folders(GetParam().script), GetParam().expected) << GetParam().script;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5229, SieveVariables,
    ::testing::Values(
        // §3: names are case-insensitive; unset ones are empty; what is
        // not a reference stays as written.
        Case{"set \"Name\" \"x\"; fileinto \"${name}${NAME}${unset}\";", {"xx"}},
        Case{"set \"a\" \"x\"; fileinto \"${ a }-${a-${a}}-${}-${1a}-${a\";",
             {"${ a }-${a-x}-${}-${1a}-${a"}},
        Case{"set \"a\" \"${b}\"; set \"b\" \"1\"; fileinto \"${a}.\";", {"."}},
        Case{"set \"a\" \"x\"; set \"b\" \"${a}${a}\"; set \"a\" \"y\"; fileinto \"${b}\";",
             {"xx"}},
        // §4.1 modifiers, and their precedence whatever the order written
        Case{"set :lower \"a\" \"MiXeD\"; fileinto \"${a}\";", {"mixed"}},
        Case{"set :upper \"a\" \"MiXeD\"; fileinto \"${a}\";", {"MIXED"}},
        Case{"set :upperfirst :lower \"a\" \"hELLO\"; fileinto \"${a}\";", {"Hello"}},
        Case{"set :lowerfirst :upper \"a\" \"hello\"; fileinto \"${a}\";", {"hELLO"}},
        Case{"set :quotewildcard :upper \"a\" \"*x?\\\\\"; fileinto \"${a}\";", {"\\*X\\?\\\\"}},
        Case{"set :length :upper \"a\" \"hello\"; fileinto \"${a}\";", {"5"}},
        Case{"set :length \"a\" \"caf\xC3\xA9\"; fileinto \"${a}\";", {"4"}},
        Case{"set :length :quotewildcard \"a\" \"**\"; fileinto \"${a}\";", {"4"}},
        Case{"set :length \"a\" \"\"; fileinto \"${a}\";", {"0"}},
        // §3.2 match variables: "*" takes as little as it can, leftmost first
        Case{"if header :matches \"subject\" \"[*] *\" { fileinto \"${1}|${2}\"; }",
             {"acme-users|[fwd] version 1.0 is out"}},
        Case{"if header :matches \"x-mailer\" \"*\\\\**\" { fileinto \"${1}|${2}\"; }",
             {"Test|Mailer?v1"}},
        Case{"if header :matches \"subject\" \"?ACME*\" { fileinto \"${0}|${1}|${2}\"; }",
             {"[acme-users] [fwd] version 1.0 is out|[|-users] [fwd] version 1.0 is out"}},
        Case{"if address :domain :matches \"from\" \"*.*\" { fileinto \"${1}/${2}\"; }",
             {"Work/example.com"}},
        Case{"if string :matches [\"x\", \"abc\"] \"a*\" { fileinto \"${0}-${1}\"; }", {"abc-bc"}},
        Case{"if string :matches \"abc\" \"a*\" {} fileinto \"${1}${0001}${2}${33}\";", {"bcbc"}},
        // a failing :matches, and other match types, leave them as they were
        Case{"if header :matches \"subject\" \"[*\" {}"
             "if header :matches \"subject\" \"x*\" {}"
             "if header :contains \"subject\" \"acme\" {} fileinto \"${1}\";",
             {"acme-users] [fwd] version 1.0 is out"}},
        Case{"if not header :matches \"to\" \"*@*\" {} fileinto \"${2}\";", {"example.net"}},
        // keys and header names are expanded when run
        Case{"set \"h\" \"Subject\"; set \"k\" \"*acme*\";"
             "if header :matches \"${h}\" \"${k}\" { fileinto \"yes\"; }",
             {"yes"}},
        Case{"set :quotewildcard \"k\" \"Test*\"; if header :matches \"x-mailer\" \"${k}*\" "
             "{ fileinto \"${1}\"; }",
             {"Mailer?v1"}},
        // §5 string; :count counts the strings that are not empty
        Case{"if string :is \"\" \"\" { fileinto \"empty\"; }", {"empty"}},
        Case{"if string :count \"eq\" [\"a\", \"\", \"b\"] \"2\" { fileinto \"two\"; }", {"two"}},
        Case{"set \"a\" \"Hi\"; if string :is \"${a}\" \"hi\" { fileinto \"casemap\"; }",
             {"casemap"}},
        Case{"if string :is \"${nothing}\" \"\" { fileinto \"unset\"; }", {"unset"}},
        // a redirect address built from variables is checked when run
        Case{"set \"a\" \"not an address\"; redirect \"${a}\";",
             {"runtime: redirect: 'not an address' is not an address"}}));

// Compile errors: kind and line, as Pigeonhole reports them.
struct Failing {
  const char* script;
  DiagnosticKind kind;
};

class SieveVariablesFail : public ::testing::TestWithParam<Failing> {};

TEST_P(SieveVariablesFail, KindAndLine) {
  auto program = compile(std::string(kRequire) + "\n" + GetParam().script);
  ASSERT_FALSE(program) << GetParam().script;
  EXPECT_EQ(program.error().front().kind, GetParam().kind) << program.error().front().message;
  EXPECT_EQ(program.error().front().position.line, 3U) << GetParam().script;
}

using K = DiagnosticKind;
INSTANTIATE_TEST_SUITE_P(
    Rfc5229, SieveVariablesFail,
    ::testing::Values(Failing{"set :lower :upper \"a\" \"x\";", K::duplicate_tag},
                      Failing{"set :lower :lower \"a\" \"x\";", K::duplicate_tag},
                      Failing{"set :lowerfirst :upperfirst \"a\" \"x\";", K::duplicate_tag},
                      Failing{"set :length :length \"a\" \"x\";", K::duplicate_tag},
                      Failing{"set :bogus \"a\" \"x\";", K::unknown_tag},
                      Failing{"set \"a\";", K::bad_arguments},
                      Failing{"set \"a\" \"x\" \"y\";", K::bad_arguments},
                      Failing{"set \"a\" [\"x\"];", K::bad_arguments},
                      Failing{"set [\"a\"] \"x\";", K::bad_arguments},
                      Failing{"set \"a\" \"x\" :lower;", K::bad_arguments},
                      Failing{"set \"1a\" \"x\";", K::bad_variable},
                      Failing{"set \"\" \"x\";", K::bad_variable},
                      Failing{"set \"${a}\" \"x\";", K::bad_variable},
                      Failing{"set \"0\" \"x\";", K::bad_variable},
                      Failing{"set \"a.b\" \"x\";", K::unknown_namespace},
                      Failing{"fileinto \"${foo.bar}\";", K::unknown_namespace},
                      Failing{"if header :is \"x\" \"${a.b.c}\" {}", K::unknown_namespace},
                      Failing{"if string \"a\" {}", K::bad_arguments},
                      Failing{"if string :over \"a\" \"b\" {}", K::unknown_tag}));

TEST(SieveVariablesRequire, SetAndStringNeedTheExtension) {
  auto set = compile("set \"a\" \"b\";");
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().front().kind, DiagnosticKind::missing_require);
  auto string = compile("if string \"a\" \"b\" {}");
  ASSERT_FALSE(string);
  EXPECT_EQ(string.error().front().kind, DiagnosticKind::missing_require);
}

// Without require "variables", "${a}" is plain text (RFC 5229 §3).
TEST(SieveVariablesRequire, NoExpansionWithoutTheExtension) {
  auto program = compile("require \"fileinto\"; fileinto \"${a}\";");
  ASSERT_TRUE(program);
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(kMessage));
  auto outcome = run(*program, message::Message::parse(buffer), {});
  ASSERT_FALSE(outcome.actions.empty());
  EXPECT_EQ(outcome.actions.front().target, "${a}");
}

TEST(SieveVariablesLimits, TooManyNamesIsACompileError) {
  std::string script = "require \"variables\";\n";
  for (int i = 0; i < 4; ++i) script += "set \"v" + std::to_string(i) + "\" \"x\";\n";
  Limits limits;
  limits.max_variables = 3;
  auto program = compile(script, limits);
  ASSERT_FALSE(program);
  EXPECT_EQ(program.error().front().kind, DiagnosticKind::limit);
  EXPECT_EQ(program.error().front().position.line, 5U);
  // Setting one name again does not count twice.
  EXPECT_TRUE(
      compile("require \"variables\"; set \"a\" \"1\"; set \"A\" \"2\"; set \"b\" \"3\";", limits));
}

TEST(SieveVariablesLimits, LongValuesAreCutAtACharacter) {
  RunLimits limits;
  limits.max_variable_size = 4;
  EXPECT_EQ(folders("set \"a\" \"abcdef\"; fileinto \"${a}\";", limits), Folders{"abcd"});
  // "é" is two octets: cutting after 4 octets would split it.
  EXPECT_EQ(folders("set \"a\" \"abc\xC3\xA9\"; fileinto \"${a}\";", limits), Folders{"abc"});
  EXPECT_EQ(folders("if header :matches \"subject\" \"*\" { fileinto \"${1}\"; }", limits),
            Folders{"[acm"});
}

TEST(SieveVariablesLimits, MatchVariablesStopAt32) {
  std::string pattern(40, '?');
  std::string value = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
  EXPECT_EQ(folders("if string :matches \"" + value + "\" \"" + pattern +
                    "\" { fileinto \"${31}${32}${33}${40}\"; }"),
            Folders{"45"});
}

struct CaptureCase {
  const char* value;
  const char* pattern;
  std::vector<std::string> expected;  // empty: no match
};

class SieveCaptures : public ::testing::TestWithParam<CaptureCase> {};

TEST_P(SieveCaptures, LeftmostShortest) {
  const auto& c = GetParam();
  auto got = match_captures(Comparator::ascii_casemap, c.value, c.pattern);
  if (c.expected.empty()) {
    EXPECT_FALSE(got) << c.value << " / " << c.pattern;
    return;
  }
  ASSERT_TRUE(got) << c.value << " / " << c.pattern;
  EXPECT_EQ(*got, c.expected);
  // The boolean matcher agrees.
  EXPECT_TRUE(
      matches(Comparator::ascii_casemap, MatchType::matches, Relation::eq, c.value, c.pattern));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5229, SieveCaptures,
    ::testing::Values(CaptureCase{"abc", "abc", {"abc"}}, CaptureCase{"abc", "abd", {}},
                      CaptureCase{"abc", "ab", {}}, CaptureCase{"", "*", {"", ""}},
                      CaptureCase{"", "?", {}}, CaptureCase{"aXbXc", "*x*", {"aXbXc", "a", "bXc"}},
                      CaptureCase{"abab", "*ab", {"abab", "ab"}},
                      CaptureCase{"abc", "**c", {"abc", "", "ab"}},
                      CaptureCase{"abc", "?*?", {"abc", "a", "b", "c"}},
                      CaptureCase{"caf\xC3\xA9", "caf?", {"caf\xC3\xA9", "\xC3\xA9"}},
                      CaptureCase{"a*b", "*\\**", {"a*b", "a", "b"}},
                      CaptureCase{"List <l@x.example>",
                                  "*<*@*>",
                                  {"List <l@x.example>", "List ", "l", "x.example"}},
                      CaptureCase{"aaa", "*a*a", {"aaa", "", "a"}}));

}  // namespace
}  // namespace mailroom::sieve
