// RFC 5232 imap4flags: setflag/addflag/removeflag on the internal variable
// and on named ones, hasflag, :flags on keep and fileinto, the flags of the
// implicit keep, and the error cases. Expected values checked against
// Pigeonhole 0.5.19's sieve-test.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "sieve/flags.hpp"

namespace mailroom::sieve {
namespace {

constexpr const char* kRequire =
    "require [\"imap4flags\", \"fileinto\", \"variables\", \"copy\", \"relational\", "
    "\"comparator-i;ascii-numeric\"];\n";

// Each stored copy as "FOLDER[flag flag]" (keep: INBOX, implicit: INBOX*).
std::vector<std::string> stores(const std::string& body) {
  auto program = compile(kRequire + body);
  if (!program) return {"error: " + std::string(to_string(program.error().front().kind))};
  auto buffer = std::make_shared<const message::Buffer>(
      message::Buffer::from_string("Subject: x\r\n\r\nbody\r\n"));
  auto outcome = run(*program, message::Message::parse(buffer), {});
  std::vector<std::string> out;
  for (const auto& a : outcome.actions) {
    if (a.kind != ActionKind::keep && a.kind != ActionKind::fileinto) continue;
    std::string s = a.kind == ActionKind::keep ? "INBOX" : a.target;
    if (a.implicit) s += "*";
    s += "[";
    for (std::size_t i = 0; i < a.flags.size(); ++i) s += (i != 0 ? " " : "") + a.flags[i];
    out.push_back(s + "]");
  }
  return out;
}

using Stores = std::vector<std::string>;

struct Case {
  const char* script;
  Stores expected;
};

class SieveFlags : public ::testing::TestWithParam<Case> {};

TEST_P(SieveFlags, StoredWith) {
  EXPECT_EQ(stores(GetParam().script), GetParam().expected) << GetParam().script;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5232, SieveFlags,
    ::testing::Values(
        Case{"", {"INBOX*[]"}},
        // §5: the implicit keep stores the internal variable at the end
        Case{"addflag \"\\\\seen\";", {"INBOX*[\\Seen]"}},
        Case{"setflag \"\\\\Seen $Junk\"; addflag [\"\\\\flagged\", \"\\\\SEEN\"]; fileinto \"a\";"
             "removeflag \"$junk\"; keep;",
             {"a[\\Seen $Junk \\Flagged]", "INBOX[\\Seen \\Flagged]"}},
        // :flags replaces the internal variable for that action only
        Case{"addflag \"\\\\Seen\"; fileinto :flags \"\\\\Answered foo\" \"a\"; fileinto \"b\";",
             {"a[\\Answered foo]", "b[\\Seen]"}},
        Case{"addflag \"a b\"; keep :flags \"\";", {"INBOX[]"}},
        Case{"keep :flags [\"\\\\draft\", \"\\\\deleted \\\\answered\", \"\\\\DRAFT\"];",
             {"INBOX[\\Draft \\Deleted \\Answered]"}},
        // §3: invalid flags are ignored (\Recent cannot be set)
        Case{"addflag \"\\\\Recent \\\\Bogus foo( a*b caf\xC3\xA9 ok\";", {"INBOX*[ok]"}},
        // the same action twice stores the flags of the last one
        Case{"keep :flags \"x\"; keep :flags \"y\";", {"INBOX[y]"}},
        Case{"fileinto :flags \"x\" \"f\"; fileinto :flags \"y\" \"f\";", {"f[y]"}},
        // flags are taken when the action runs
        Case{"addflag \"a\"; fileinto \"f\"; removeflag \"a\";", {"f[a]"}},
        Case{"addflag \"a\"; fileinto :copy \"f\";", {"f[a]", "INBOX*[a]"}},
        Case{"addflag \"a\"; discard;", {}},
        // hasflag: each flag against each key word, case-insensitive
        Case{"addflag \"\\\\Seen b\"; if hasflag \"\\\\SEEN\" { fileinto \"seen\"; }"
             "if hasflag \"c\" { fileinto \"c\"; }",
             {"seen[\\Seen b]"}},
        Case{"addflag \"a b\"; if hasflag \"x a\" { setflag \"split\"; }", {"INBOX*[split]"}},
        Case{"addflag \"abc\"; if hasflag :contains \"b\" { setflag \"contains\"; }",
             {"INBOX*[contains]"}},
        Case{"addflag \"a b c\"; if hasflag :count \"eq\" :comparator \"i;ascii-numeric\" \"3\" "
             "{ setflag \"three\"; }",
             {"INBOX*[three]"}},
        Case{"if hasflag :matches \"*\" { fileinto \"any\"; }", {"INBOX*[]"}},
        // named variables (with "variables"): shared with ${name}
        Case{"setflag \"x\" \"\\\\Seen\"; addflag \"x\" \"b\"; if hasflag \"x\" \"B\" "
             "{ addflag \"yes\"; } if hasflag \"\\\\seen\" { addflag \"internal\"; }",
             {"INBOX*[yes]"}},
        Case{
            "setflag \"x\" \"\\\\SEEN b  a \\\\Bogus\"; addflag \"x\" \"B c\"; fileinto \"${x}|\";",
            {"\\SEEN b a c|[]"}},
        Case{"set \"x\" \"\\\\seen  a\"; addflag \"x\" \"b\"; fileinto \"${x}|\";",
             {"\\seen  a b|[]"}},
        Case{"set \"y\" \"foo bar\"; keep :flags \"${y}\";", {"INBOX[foo bar]"}},
        Case{"set \"f\" \"$Junk\"; addflag \"${f}\";", {"INBOX*[$Junk]"}}));

struct Failing {
  const char* script;
  DiagnosticKind kind;
};

class SieveFlagsFail : public ::testing::TestWithParam<Failing> {};

TEST_P(SieveFlagsFail, KindAndLine) {
  auto program =
      compile(std::string("require [\"imap4flags\", \"fileinto\"];\n\n") + GetParam().script);
  ASSERT_FALSE(program) << GetParam().script;
  EXPECT_EQ(program.error().front().kind, GetParam().kind) << program.error().front().message;
  EXPECT_EQ(program.error().front().position.line, 3U) << GetParam().script;
}

using K = DiagnosticKind;
INSTANTIATE_TEST_SUITE_P(
    Rfc5232, SieveFlagsFail,
    ::testing::Values(Failing{"setflag \"x\" \"\\\\Seen\";", K::missing_require},
                      Failing{"if hasflag \"x\" \"a\" {}", K::missing_require},
                      Failing{"fileinto :flags \"a\" :flags \"b\" \"f\";", K::duplicate_tag},
                      Failing{"keep :flags;", K::bad_arguments},
                      Failing{"keep :flags \"a\" \"b\";", K::bad_arguments},
                      Failing{"addflag;", K::bad_arguments},
                      Failing{"addflag :copy \"a\";", K::unknown_tag},
                      Failing{"addflag \"a\" {}", K::bad_arguments},
                      Failing{"redirect :flags \"a\" \"x@example.com\";", K::unknown_tag},
                      Failing{"if hasflag {}", K::bad_arguments},
                      Failing{"if hasflag :over \"a\" {}", K::unknown_tag}));

TEST(SieveFlagsRequire, EveryPartNeedsTheExtension) {
  for (const char* script : {"addflag \"a\";", "setflag \"a\";", "removeflag \"a\";",
                             "if hasflag \"a\" {}", "keep :flags \"a\";"}) {
    auto program = compile(script);
    ASSERT_FALSE(program) << script;
    EXPECT_EQ(program.error().front().kind, DiagnosticKind::missing_require) << script;
  }
  auto variable = compile("require [\"imap4flags\", \"variables\"]; addflag \"1x\" \"a\";");
  ASSERT_FALSE(variable);
  EXPECT_EQ(variable.error().front().kind, DiagnosticKind::bad_variable);
}

// Pigeonhole warns about a constant flag that is not one; so do we.
TEST(SieveFlagsRequire, InvalidConstantFlagWarns) {
  auto program = compile("require \"imap4flags\";\naddflag \"\\\\Recent\";");
  ASSERT_TRUE(program);
  ASSERT_EQ(program->warnings.size(), 1U);
  EXPECT_EQ(program->warnings[0].kind, DiagnosticKind::bad_flag);
  EXPECT_EQ(program->warnings[0].position.line, 2U);
}

TEST(SieveFlagsText, ValidFlags) {
  for (const char* ok : {"\\Seen", "\\answered", "\\FLAGGED", "\\Deleted", "\\Draft", "$Junk",
                         "NonJunk", "a.b-c_d", "$label1"}) {
    EXPECT_TRUE(valid_flag(ok)) << ok;
  }
  for (const char* bad : {"", "\\Recent", "\\Bogus", "a b", "a(", "a)", "a{", "a%", "a*", "a\"",
                          "a\\b", "a]", "caf\xC3\xA9", "a\x01"}) {
    EXPECT_FALSE(valid_flag(bad)) << bad;
  }
  EXPECT_EQ(add_flags("\\seen  a", {"A b", "\\SEEN"}), "\\seen  a b");
  EXPECT_EQ(remove_flags("a  b \\Seen", {"\\seen", "x"}), "a b");
  EXPECT_EQ(action_flags("\\SEEN $Junk \\seen $junk \\Recent"),
            (std::vector<std::string>{"\\Seen", "$Junk"}));
}

}  // namespace
}  // namespace mailroom::sieve
