// RFC 5429 reject and ereject: the action and its reason, the implicit
// keep it cancels, and the combinations §2.1 forbids (a run-time error, as
// Pigeonhole reports them, so the message is kept).
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

Outcome run_script(const std::string& body) {
  auto program = compile(
      "require [\"reject\", \"ereject\", \"fileinto\", \"copy\", \"variables\", "
      "\"imap4flags\"];\n" +
      body);
  EXPECT_TRUE(program) << body << "\n -> " << program.error().front().message;
  if (!program) return {};
  auto buffer = std::make_shared<const message::Buffer>(
      message::Buffer::from_string("Subject: offer\r\n\r\nbody\r\n"));
  return run(*program, message::Message::parse(buffer), {});
}

std::vector<std::string> words(const Outcome& o) {
  std::vector<std::string> out;
  if (o.error) out.emplace_back("error");
  for (const auto& a : o.actions) {
    std::string w(to_string(a.kind));
    if (a.implicit) w += "*";
    if (!a.reason.empty()) w += ":" + a.reason;
    out.push_back(w);
  }
  return out;
}

using Words = std::vector<std::string>;

struct Case {
  const char* script;
  Words expected;
};

class SieveReject : public ::testing::TestWithParam<Case> {};

TEST_P(SieveReject, Actions) {
  EXPECT_EQ(words(run_script(GetParam().script)), GetParam().expected) << GetParam().script;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5429, SieveReject,
    ::testing::Values(Case{"reject \"no thanks\";", {"reject:no thanks"}},
                      Case{"ereject \"no thanks\";", {"ereject:no thanks"}},
                      Case{"reject \"no\"; discard;", {"reject:no", "discard"}},
                      Case{"addflag \"a\"; reject \"no\";", {"reject:no"}},
                      Case{"set \"s\" \"spam\"; reject \"not your ${s}\";",
                           {"reject:not your spam"}},
                      // §2.1: never with an action that delivers, nor with another reject
                      Case{"reject \"no\"; fileinto \"a\";", {"error", "keep*"}},
                      Case{"fileinto \"a\"; reject \"no\";", {"error", "keep*"}},
                      Case{"keep; ereject \"no\";", {"error", "keep*"}},
                      Case{"fileinto :copy \"a\"; reject \"no\";", {"error", "keep*"}},
                      Case{"redirect \"a@example.com\"; reject \"no\";", {"error", "keep*"}},
                      Case{"reject \"no\"; redirect :copy \"a@example.com\";", {"error", "keep*"}},
                      Case{"reject \"a\"; reject \"b\";", {"error", "keep*"}},
                      Case{"reject \"a\"; ereject \"a\";", {"error", "keep*"}},
                      Case{"keep; stop; reject \"never\";", {"keep"}}));

TEST(SieveRejectErrors, Arguments) {
  for (const char* script :
       {"require \"reject\"; reject;", "require \"reject\"; reject [\"a\"];",
        "require \"reject\"; reject \"a\" \"b\";", "require \"ereject\"; ereject 5;"}) {
    auto program = compile(script);
    ASSERT_FALSE(program) << script;
    EXPECT_EQ(program.error().front().kind, DiagnosticKind::bad_arguments) << script;
  }
  auto tag = compile("require \"reject\"; reject :copy \"a\";");
  ASSERT_FALSE(tag);
  EXPECT_EQ(tag.error().front().kind, DiagnosticKind::unknown_tag);
  for (const char* script : {"reject \"a\";", "require \"reject\"; ereject \"a\";"}) {
    auto program = compile(script);
    ASSERT_FALSE(program) << script;
    EXPECT_EQ(program.error().front().kind, DiagnosticKind::missing_require) << script;
  }
}

}  // namespace
}  // namespace mailroom::sieve
