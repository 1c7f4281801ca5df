// The trace hook (RunOptions::trace, `sieve test --trace`): every test
// from the dispatcher with its result and why, every command run, nested
// tests ordered parent first, and the JSON form.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "mailroom/sieve/trace.hpp"

namespace mailroom::sieve {
namespace {

constexpr const char* kMessage =
    "From: Alice <alice@example.org>\r\n"
    "To: bob@example.net\r\n"
    "Subject: Team meeting\r\n"
    "\r\n"
    "Agenda.\r\n";

std::vector<std::string> trace_of(std::string_view script, Outcome* outcome = nullptr) {
  auto program = compile(script);
  EXPECT_TRUE(program) << script;
  if (!program) return {};
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(kMessage));
  auto message = message::Message::parse(buffer);
  std::vector<TraceEntry> entries;
  RunOptions options;
  options.trace = [&](const TraceEntry& e) { entries.push_back(e); };
  auto result = run(*program, message, {"alice@example.org", "bob@example.net"}, options);
  if (outcome != nullptr) *outcome = result;
  std::vector<std::string> lines;
  for (const auto& e : order_trace(entries)) lines.push_back(describe(e));
  return lines;
}

TEST(SieveTrace, MatchedHeaderSaysWhichValue) {
  auto lines = trace_of(
      "require \"fileinto\";\n"
      "\n"
      "if header :contains \"subject\" \"meeting\" {\n"
      "  fileinto \"Work\";\n"
      "}\n");
  std::vector<std::string> want = {
      R"(line 3: header :contains "subject" "meeting" -> true (Subject: "Team meeting"))",
      R"(line 4: fileinto "Work")"};
  EXPECT_EQ(lines, want);
}

TEST(SieveTrace, FalseTestSaysHowManyValuesWereCompared) {
  auto lines = trace_of(
      "if header :is [\"subject\", \"to\"] [\"x\", \"y\"] { discard; }\n"
      "if header :is \"x-none\" \"x\" { discard; }\n");
  std::vector<std::string> want = {
      R"(line 1: header :is ["subject", "to"] ["x", "y"] -> false (2 values, no key matched))",
      R"(line 2: header :is "x-none" "x" -> false (no value))"};
  EXPECT_EQ(lines, want);
}

TEST(SieveTrace, NestedTestsFollowTheirParentIndented) {
  auto lines = trace_of(
      "if allof (address :domain \"from\" \"example.org\", not size :over 1K) { keep; }\n");
  ASSERT_EQ(lines.size(), 5U);
  EXPECT_EQ(lines[0], "line 1: allof -> true");
  EXPECT_EQ(lines[1],
            R"(  line 1: address :domain :is "from" "example.org" -> true (From: "example.org"))");
  EXPECT_EQ(lines[2], "  line 1: not -> true");
  EXPECT_EQ(lines[3], "    line 1: size :over 1024 -> false (message is 88 bytes)");
  EXPECT_EQ(lines[4], "line 1: keep");
}

TEST(SieveTrace, ElseAndSetAreTracedAsCommands) {
  auto lines = trace_of(
      "require \"variables\";\n"
      "if false { stop; } else { set \"a\" \"b\"; }\n");
  std::vector<std::string> want = {"line 2: false -> false", "line 2: else",
                                   R"(line 2: set "a" "b")"};
  EXPECT_EQ(lines, want);
}

TEST(SieveTrace, EnvelopeAndCountExplainThemselves) {
  auto lines = trace_of(
      "require [\"envelope\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
      "if envelope :localpart \"from\" \"alice\" { keep; }\n"
      "if header :count \"ge\" :comparator \"i;ascii-numeric\" \"to\" \"2\" { keep; }\n");
  ASSERT_GE(lines.size(), 3U);
  EXPECT_EQ(lines[0],
            R"(line 2: envelope :localpart :is "from" "alice" -> true (envelope from: "alice"))");
  EXPECT_EQ(
      lines[2],
      R"(line 3: header :count "ge" :comparator "i;ascii-numeric" "to" "2" -> false (count 1))");
}

TEST(SieveTrace, SameOutcomeWithAndWithoutTheHook) {
  const char* script = "if header :contains \"subject\" \"team\" { discard; }\n";
  Outcome traced;
  (void)trace_of(script, &traced);
  auto program = compile(script);
  ASSERT_TRUE(program);
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(kMessage));
  auto plain = run(*program, message::Message::parse(buffer), {}, {});
  ASSERT_EQ(traced.actions.size(), plain.actions.size());
  EXPECT_EQ(traced.actions[0].kind, ActionKind::discard);
}

TEST(SieveTrace, Json) {
  TraceEntry test;
  test.name = "header";
  test.arguments = ":is \"subject\" \"a\"";
  test.position = {3, 4};
  test.result = false;
  test.why = "1 value, no key matched";
  TraceEntry command;
  command.kind = TraceEntry::Kind::command;
  command.name = "keep";
  command.position = {5, 1};
  EXPECT_EQ(trace_to_json({test, command}),
            R"([{"type":"test","name":"header","arguments":":is \"subject\" \"a\"","line":3,)"
            R"("column":4,"depth":0,"result":false,"why":"1 value, no key matched"},)"
            R"({"type":"command","name":"keep","arguments":"","line":5,"column":1,"depth":0}])");
}

}  // namespace
}  // namespace mailroom::sieve
