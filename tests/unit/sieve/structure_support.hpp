// Shared by the tests of the structure extensions (include, editheader,
// special-use): compile and run a script on a small message.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve::structure_testing {

inline constexpr const char* kEditMessage =
    "Received: from a.example.org by mx.example.net; Mon, 7 Dec 2026 10:00:00 +0000\r\n"
    "From: Alice <alice@example.org>\r\n"
    "Subject: hello\r\n"
    "X-Dup: first\r\n"
    "X-Dup: second\r\n"
    "X-Dup: third\r\n"
    "X-Spam-Flag: NO\r\n"
    "\r\n"
    "Body.\r\n";

inline Outcome run_text(const std::string& script, const RunOptions& options = {},
                        const std::string& raw = kEditMessage) {
  auto program = compile(script);
  EXPECT_TRUE(program) << script << "\n -> " << program.error().front().message;
  if (!program) return {};
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(raw));
  return run(*program, message::Message::parse(buffer), {"alice@example.org", "bob@example.net"},
             options);
}

// "fileinto:X", "keep*" (implicit), "error" first after a run-time error.
inline std::vector<std::string> words(const Outcome& o) {
  std::vector<std::string> out;
  if (o.error) out.emplace_back("error");
  for (const auto& a : o.actions) {
    std::string w(to_string(a.kind));
    if (a.implicit) w += "*";
    if (!a.target.empty()) w += ":" + a.target;
    out.push_back(w);
  }
  return out;
}

// The kind of the first compile error, or "" when the script compiles.
inline std::string compile_error(const std::string& script) {
  auto program = compile(script);
  return program ? "" : std::string(to_string(program.error().front().kind));
}

}  // namespace mailroom::sieve::structure_testing
