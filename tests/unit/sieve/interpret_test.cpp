// The interpreter: each test and command, match types on real header
// values (RFC 2047 decoded, §2.7.2), addresses, the envelope, the implicit
// keep (§2.10.2), :copy (RFC 3894), limits and run-time errors.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve {
namespace {

constexpr const char* kMessage =
    "Return-Path: <bounce@lists.example.org>\r\n"
    "From: \"Alice Example\" <Alice@Example.ORG>\r\n"
    "To: bob+lists@example.net, \"Carol\" <carol@sub.example.com>\r\n"
    "Cc: undisclosed-recipients:;\r\n"
    "Subject: =?UTF-8?Q?Caf=C3=A9_=5Blist=5D?= news\r\n"
    "X-Spam-Level: ***\r\n"
    "X-Number: 0042\r\n"
    "X-Folded: one\r\n two\r\n"
    "X-Dup: first\r\n"
    "X-Dup: second\r\n"
    "Resent-To: bob, carol@example.com\r\n"
    "\r\n"
    "Hello.\r\n";

Outcome run_on(std::string_view script, std::string_view raw = kMessage,
               const Envelope& envelope = {"alice@example.org", "bob+lists@example.net"},
               const RunLimits& limits = {}, std::string_view separators = "+") {
  auto program = compile(script);
  EXPECT_TRUE(program) << script << "\n -> " << program.error().front().message;
  if (!program) return {};
  auto buffer =
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::string(raw)));
  auto message = message::Message::parse(buffer);
  RunOptions options;
  options.limits = limits;
  options.detail_separators = separators;
  return run(*program, message, envelope, options);
}

// The actions as short words: "keep", "keep*" (implicit), "fileinto:X", ...
std::vector<std::string> words(const Outcome& o) {
  std::vector<std::string> out;
  for (const auto& a : o.actions) {
    std::string w(to_string(a.kind));
    if (a.implicit) w += "*";
    if (!a.target.empty()) w += ":" + a.target;
    if (a.copy) w += "+copy";
    out.push_back(w);
  }
  return out;
}

using Words = std::vector<std::string>;
constexpr const char* kFile =
    "require [\"fileinto\", \"copy\", \"envelope\", \"comparator-i;ascii-numeric\", "
    "\"subaddress\", \"relational\"];\n";

// Does `test` hold for kMessage? Runs "if TEST { fileinto "yes"; }".
bool holds(const std::string& test) {
  auto o = run_on(std::string(kFile) + "if " + test + " { fileinto \"yes\"; }");
  EXPECT_FALSE(o.error) << test;
  return words(o) == Words{"fileinto:yes"};
}

struct TestCase {
  const char* test;
  bool expected;
};

class SieveTests : public ::testing::TestWithParam<TestCase> {};

TEST_P(SieveTests, OnTheSampleMessage) {
  EXPECT_EQ(holds(GetParam().test), GetParam().expected) << GetParam().test;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5228, SieveTests,
    ::testing::Values(
        // true, false, not, allof, anyof (§5.2, §5.3, §5.5, §5.8, §5.10)
        TestCase{"true", true}, TestCase{"false", false}, TestCase{"not false", true},
        TestCase{"allof (true, true)", true}, TestCase{"allof (true, false)", false},
        TestCase{"anyof (false, true)", true}, TestCase{"anyof (false, false)", false},
        // header (§5.7), decoded per RFC 2047 (§2.7.2), unfolded
        TestCase{"header :is \"subject\" \"Caf\xC3\xA9 [list] news\"", true},
        TestCase{"header :contains \"Subject\" \"[LIST]\"", true},
        TestCase{"header :contains :comparator \"i;octet\" \"subject\" \"[LIST]\"", false},
        TestCase{"header :matches \"subject\" \"Caf? *\"", true},
        TestCase{"header :matches \"subject\" \"*news\"", true},
        TestCase{"header :matches \"subject\" \"*new\"", false},
        TestCase{"header :is \"x-folded\" \"one two\"", true},
        TestCase{"header :is \"x-dup\" \"second\"", true},
        TestCase{"header :is [\"x-none\", \"x-dup\"] [\"zz\", \"first\"]", true},
        TestCase{"header :contains \"x-none\" \"\"", false},
        TestCase{"header :matches \"x-spam-level\" \"\\\\*\\\\*\\\\*\"", true},
        TestCase{"header :is \"x-spam-level\" \"**\"", false},
        TestCase{"header :is :comparator \"i;ascii-numeric\" \"x-number\" \"42\"", true},
        // address (§5.1): parsed addresses, address parts
        TestCase{"address :is \"from\" \"alice@example.org\"", true},
        TestCase{"address :is :comparator \"i;octet\" \"from\" \"alice@example.org\"", false},
        TestCase{"address :localpart :is \"from\" \"alice\"", true},
        TestCase{"address :domain :is \"from\" \"example.org\"", true},
        TestCase{"address :domain :matches \"to\" \"*.example.com\"", true},
        TestCase{"address :all :is \"to\" \"bob+lists@example.net\"", true},
        TestCase{"address :contains \"to\" \"Carol\"", true},  // a local part, not the name
        TestCase{"address :contains \"to\" \"Carol <\"", false},
        TestCase{"address :is \"cc\" \"\"", false},
        // §2.7.4: invalid addresses never match :localpart or :domain; a
        // field without a valid one is compared as written by :all.
        TestCase{"address :is \"cc\" \"undisclosed-recipients:;\"", true},
        TestCase{"address :localpart :matches \"cc\" \"*\"", false},
        TestCase{"address :is \"resent-to\" \"carol@example.com\"", true},
        TestCase{"address :is \"resent-to\" \"bob\"", false},
        TestCase{"address :domain :is \"resent-to\" \"\"", false},
        // RFC 5233 subaddress: user and detail split at the first "+";
        // without a separator :user is the local part and :detail never matches
        TestCase{"address :user :is \"to\" \"bob\"", true},
        TestCase{"address :detail :is \"to\" \"lists\"", true},
        TestCase{"address :detail :matches \"from\" \"*\"", false},
        TestCase{"address :user :is \"from\" \"alice\"", true},
        TestCase{"envelope :detail :is \"to\" \"lists\"", true},
        TestCase{"envelope :user :is \"to\" \"bob\"", true},
        TestCase{"address :detail :is \"resent-to\" \"\"", false},
        // RFC 5231 relational: :count counts values, :value orders them
        TestCase{"header :count \"eq\" :comparator \"i;ascii-numeric\" \"x-dup\" \"2\"", true},
        TestCase{"header :count \"gt\" :comparator \"i;ascii-numeric\" \"x-dup\" \"2\"", false},
        TestCase{"header :count \"eq\" :comparator \"i;ascii-numeric\" \"x-none\" \"0\"", true},
        TestCase{"address :count \"eq\" :comparator \"i;ascii-numeric\" \"to\" \"2\"", true},
        TestCase{"address :count \"eq\" :comparator \"i;ascii-numeric\" [\"to\", \"from\"] \"3\"",
                 true},
        TestCase{"header :value \"gt\" :comparator \"i;ascii-numeric\" \"x-number\" \"41\"", true},
        TestCase{"header :value \"LT\" :comparator \"i;ascii-numeric\" \"x-number\" \"42\"", false},
        TestCase{"header :value \"ge\" \"x-dup\" \"second\"", true},
        TestCase{"header :value \"lt\" \"x-dup\" \"f\"", false},
        TestCase{"envelope :count \"eq\" :comparator \"i;ascii-numeric\" [\"from\", \"to\"] \"2\"",
                 true},
        // envelope (§5.4)
        TestCase{"envelope :is \"from\" \"alice@example.org\"", true},
        TestCase{"envelope :domain :is \"to\" \"EXAMPLE.net\"", true},
        TestCase{"envelope :localpart :is \"to\" \"bob+lists\"", true},
        TestCase{"envelope :all :is \"From\" \"\"", false},
        // exists (§5.5), size (§5.9)
        TestCase{"exists \"x-number\"", true}, TestCase{"exists [\"from\", \"x-none\"]", false},
        TestCase{"exists [\"FROM\", \"to\"]", true},
        TestCase{"exists [\"from\", \"from:\"]", false},
        TestCase{"header :contains \"from:\" \"\"", false}, TestCase{"size :over 100", true},
        TestCase{"size :under 100", false}, TestCase{"size :over 1M", false},
        TestCase{"size :under 1K", true}));

TEST(SieveRun, NullSenderIsTheEmptyStringForEveryPart) {
  auto o = run_on("require \"envelope\"; if envelope :localpart :is \"from\" \"\" { discard; }",
                  kMessage, Envelope{"", "bob@example.net"});
  EXPECT_EQ(words(o), Words{"discard"});
}

TEST(SieveRun, DetailSeparatorsAreConfigurable) {
  const std::string script =
      "require [\"subaddress\", \"fileinto\"];\n"
      "if address :user :is \"to\" \"bob\" { fileinto \"user\"; }\n"
      "if address :detail :is \"to\" \"x+y\" { fileinto \"detail\"; }";
  const std::string raw = "To: bob-x+y@example.net\r\n\r\n";
  EXPECT_EQ(words(run_on(script, raw, {}, {}, "+")), Words{"keep*"});
  EXPECT_EQ(words(run_on(script, raw, {}, {}, "-+")), (Words{"fileinto:user", "fileinto:detail"}));
  // An empty detail ("user+@") is the empty string, not "no detail".
  EXPECT_EQ(words(run_on("require [\"subaddress\", \"fileinto\"];\n"
                         "if address :detail :is \"to\" \"\" { fileinto \"empty\"; }",
                         "To: bob+@example.net\r\n\r\n")),
            Words{"fileinto:empty"});
}

TEST(SieveRun, ExactSizeIsNeitherOverNorUnder) {
  const std::string raw = "Subject: x\r\n\r\n";
  const std::string n = std::to_string(raw.size());
  auto o = run_on("if anyof (size :over " + n + ", size :under " + n + ") { discard; }", raw);
  EXPECT_EQ(words(o), Words{"keep*"});
}

struct ActionCase {
  const char* script;
  Words expected;
};

class SieveActions : public ::testing::TestWithParam<ActionCase> {};

TEST_P(SieveActions, ImplicitKeepAndActions) {
  auto o = run_on(std::string(kFile) + GetParam().script);
  EXPECT_FALSE(o.error) << GetParam().script << ": " << o.error->message;
  EXPECT_EQ(words(o), GetParam().expected) << GetParam().script;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5228, SieveActions,
    ::testing::Values(
        ActionCase{"", {"keep*"}}, ActionCase{"keep;", {"keep"}},
        ActionCase{"discard;", {"discard"}}, ActionCase{"fileinto \"A\";", {"fileinto:A"}},
        ActionCase{"fileinto :copy \"A\";", {"fileinto:A+copy", "keep*"}},
        ActionCase{"redirect \"x@example.com\";", {"redirect:x@example.com"}},
        ActionCase{"redirect :copy \"x@example.com\";", {"redirect:x@example.com+copy", "keep*"}},
        ActionCase{"stop; discard;", {"keep*"}},
        ActionCase{"fileinto \"A\"; stop; fileinto \"B\";", {"fileinto:A"}},
        // §2.10.3: the same action twice is done once
        ActionCase{"fileinto \"A\"; fileinto \"A\"; keep; keep;", {"fileinto:A", "keep"}},
        ActionCase{"fileinto :copy \"A\"; fileinto \"A\";", {"fileinto:A"}},
        // §4.5: discard cancels only the implicit keep
        ActionCase{"discard; fileinto \"A\";", {"discard", "fileinto:A"}},
        ActionCase{"if false { keep; } elsif true { fileinto \"B\"; } else { discard; }",
                   {"fileinto:B"}},
        ActionCase{"if true { fileinto \"A\"; } elsif true { fileinto \"B\"; }", {"fileinto:A"}},
        ActionCase{"if false {} else { discard; }", {"discard"}},
        ActionCase{"if true {} if true { discard; }", {"discard"}},
        ActionCase{"if true { if true { stop; } } discard;", {"keep*"}}));

// Run-time limits: over one, the script stops with a run-time error at the
// command that crossed it, and only the implicit keep is left (§2.10.6).
struct LimitCase {
  RunLimits limits;
  const char* script;
  std::size_t error_line;  // 0: no error expected
  Words expected;
};

RunLimits with(std::size_t actions, std::size_t redirects, std::size_t steps) {
  RunLimits limits;
  limits.max_actions = actions;
  limits.max_redirects = redirects;
  limits.max_steps = steps;
  return limits;
}

class SieveLimits : public ::testing::TestWithParam<LimitCase> {};

TEST_P(SieveLimits, RuntimeErrorKeeps) {
  const auto& c = GetParam();
  auto o = run_on(c.script, kMessage, {"a@b.example", "c@d.example"}, c.limits);
  EXPECT_EQ(words(o), c.expected) << c.script;
  if (c.error_line == 0) {
    EXPECT_FALSE(o.error) << c.script;
    return;
  }
  ASSERT_TRUE(o.error) << c.script;
  EXPECT_EQ(o.error->kind, DiagnosticKind::runtime);
  EXPECT_EQ(o.error->position.line, c.error_line) << o.error->message;
}

constexpr const char* kThreeIfs = "if true {} if true {} if true {}\ndiscard;";
INSTANTIATE_TEST_SUITE_P(
    Limits, SieveLimits,
    ::testing::Values(
        LimitCase{with(2, 4, 1000),
                  "require \"fileinto\"; fileinto \"A\"; fileinto \"B\";\nfileinto \"C\";",
                  2,
                  {"keep*"}},
        LimitCase{with(32, 1, 1000),
                  "redirect \"a@x.example\";\nredirect \"b@x.example\";",
                  2,
                  {"keep*"}},
        // 3 ifs, 3 tests, discard: 7 steps.
        LimitCase{with(32, 4, 5), kThreeIfs, 1, {"keep*"}},
        LimitCase{with(32, 4, 7), kThreeIfs, 0, {"discard"}}));

TEST(SieveRun, ActionsRememberTheirLine) {
  auto o = run_on("require \"fileinto\";\n\nif true {\n  fileinto \"A\";\n}");
  ASSERT_EQ(o.actions.size(), 1U);
  EXPECT_EQ(o.actions[0].position.line, 4U);
  EXPECT_EQ(o.actions[0].position.column, 3U);
}

}  // namespace
}  // namespace mailroom::sieve
