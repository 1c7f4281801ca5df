// RFC 7352 duplicate: the id (Message-ID, :header, :uniqueid), the handle,
// one answer per id within a run, and the marks the pipeline records only
// after the delivery (§3.1): a repeat renews its record only with :last.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve {
namespace {

constexpr const char* kMessage =
    "From: a@example.org\r\nMessage-ID: <m1@example.org>\r\nX-Id: abc\r\n\r\nbody\r\n";

Outcome run_script(const std::string& script, const std::set<std::string>& seen = {}) {
  auto program = compile("require [\"duplicate\", \"fileinto\", \"variables\"];\n" + script);
  EXPECT_TRUE(program) << script << "\n -> " << program.error().front().message;
  if (!program) return {};
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(kMessage));
  RunOptions options;
  options.duplicate_seen = [&](std::string_view key) { return seen.count(std::string(key)) != 0; };
  return run(*program, message::Message::parse(buffer), {}, options);
}

bool filed(const Outcome& o) {
  for (const auto& a : o.actions)
    if (a.kind == ActionKind::fileinto) return true;
  return false;
}

const std::string kMessageIdKey = std::string("duplicate\x1f\x1f<m1@example.org>");

TEST(SieveDuplicate, FirstTimeIsNewAndMarked) {
  auto o = run_script("if duplicate { fileinto \"Dup\"; }");
  EXPECT_FALSE(filed(o));
  ASSERT_EQ(o.duplicates.size(), 1U);
  EXPECT_EQ(o.duplicates[0].key, kMessageIdKey);
  EXPECT_EQ(o.duplicates[0].seconds, 14U * 86400);
}

TEST(SieveDuplicate, SeenIsDuplicateAndNotRenewed) {
  auto o = run_script("if duplicate { fileinto \"Dup\"; }", {kMessageIdKey});
  EXPECT_TRUE(filed(o));
  EXPECT_TRUE(o.duplicates.empty());  // §3.3: counts from the first delivery
  o = run_script("if duplicate :last { fileinto \"Dup\"; }", {kMessageIdKey});
  EXPECT_TRUE(filed(o));
  ASSERT_EQ(o.duplicates.size(), 1U);  // :last: each delivery renews it
  EXPECT_TRUE(o.duplicates[0].last);
}

TEST(SieveDuplicate, HeaderUniqueidHandleSeconds) {
  auto o = run_script(
      "if duplicate :header \"X-Id\" :handle \"h\" :seconds 60 {}"
      "if duplicate :uniqueid \"u${x}\" {}"
      "if duplicate :header \"X-None\" {}");
  ASSERT_EQ(o.duplicates.size(), 2U);  // §3.1: no field, no id, no mark
  EXPECT_EQ(o.duplicates[0].key, std::string("duplicate\x1fh\x1f"
                                             "abc"));
  EXPECT_EQ(o.duplicates[0].seconds, 60U);
  EXPECT_EQ(o.duplicates[1].key, std::string("duplicate\x1f\x1fu"));
  o = run_script("if duplicate :seconds 999999999 {}");
  EXPECT_EQ(o.duplicates[0].seconds, 28U * 86400);  // the ceiling
}

TEST(SieveDuplicate, SameAnswerWithinOneRun) {
  // §3: an id met earlier in this run is not a duplicate of itself.
  auto o = run_script("if duplicate {fileinto \"A\";} if duplicate {fileinto \"B\";}");
  EXPECT_FALSE(filed(o));
  EXPECT_EQ(o.duplicates.size(), 1U);
}

TEST(SieveDuplicate, Errors) {
  for (const char* script : {"if duplicate :header \"a\" :uniqueid \"b\" {}",
                             "if duplicate \"x\" {}", "if duplicate :seconds \"1\" {}",
                             "if duplicate :last :last {}", "if duplicate :header \"a b\" {}"}) {
    EXPECT_FALSE(compile(std::string("require \"duplicate\";") + script)) << script;
  }
  auto missing = compile("if duplicate {}");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().front().kind, DiagnosticKind::missing_require);
}

}  // namespace
}  // namespace mailroom::sieve
