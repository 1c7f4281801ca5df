// Shared by the unit tests of the extensions (environment, date, index,
// spamtest, ihave, regex, extlists, i;unicode-casemap): compile a script,
// run it on a message, read the outcome as words.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve::ext_testing {

// "fileinto:Folder", "keep*" (the implicit keep), "error" first after a
// run-time error.
inline std::vector<std::string> words(const Outcome& outcome) {
  std::vector<std::string> out;
  if (outcome.error) out.emplace_back("error");
  for (const auto& a : outcome.actions) {
    std::string w(to_string(a.kind));
    if (a.implicit) w += "*";
    if (!a.target.empty()) w += ":" + a.target;
    out.push_back(w);
  }
  return out;
}

inline Outcome run_script(const std::string& script, const std::string& message,
                          const RunOptions& options = {}, const Envelope& envelope = {}) {
  auto program = compile(script);
  EXPECT_TRUE(program) << script << "\n -> "
                       << (program ? std::string() : program.error().front().message);
  if (!program) return {};
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(message));
  return run(*program, message::Message::parse(buffer), envelope, options);
}

inline std::vector<std::string> run_words(const std::string& script, const std::string& message,
                                          const RunOptions& options = {}) {
  return words(run_script(script, message, options));
}

// The first compile error, or nullopt when the script compiles.
inline std::optional<Diagnostic> compile_error(const std::string& script) {
  auto program = compile(script);
  if (program) return std::nullopt;
  return program.error().front();
}

// The warnings of a script that compiles.
inline std::vector<Diagnostic> compile_warnings(const std::string& script) {
  auto program = compile(script);
  EXPECT_TRUE(program) << script;
  return program ? program->warnings : std::vector<Diagnostic>{};
}

using Words = std::vector<std::string>;

}  // namespace mailroom::sieve::ext_testing
