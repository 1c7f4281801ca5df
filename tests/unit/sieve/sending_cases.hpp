// Shared by the vacation and enotify tests: running a script on a small
// message, and the table of scripts that must be refused with a kind
// (TEST_P in vacation_test.cpp; each file instantiates its own rows).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve::testing {

inline Outcome run_script(const std::string& script) {
  auto program = compile(script);
  EXPECT_TRUE(program) << script << "\n -> " << program.error().front().message;
  if (!program) return {};
  auto buffer = std::make_shared<const message::Buffer>(
      message::Buffer::from_string("From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n"));
  return run(*program, message::Message::parse(buffer), {"a@example.org", "b@example.net"});
}

struct Bad {
  const char* script;
  DiagnosticKind kind;
};

class SieveSendingErrors : public ::testing::TestWithParam<Bad> {};

}  // namespace mailroom::sieve::testing
