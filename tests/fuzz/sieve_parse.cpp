// Fuzzes the Sieve grammar, the validator and (for scripts that compile)
// the interpreter on a fixed message: untrusted scripts never crash, and
// every error carries a position inside the script.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "mailroom/sieve/report.hpp"

using namespace mailroom;  // NOLINT: a fuzz target is one small function

namespace {

const message::Message& sample() {
  static const auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(
      "From: Alice <alice@example.org>\r\nTo: bob+x@example.net, group: c@d.example;\r\n"
      "Subject: =?UTF-8?Q?caf=C3=A9?= [list]\r\nX-Spam-Level: ***\r\n\r\nbody\r\n"));
  static const auto message = message::Message::parse(buffer);
  return message;
}

std::size_t lines_in(const std::string& text) {
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string script(reinterpret_cast<const char*>(data), size);
  sieve::Limits limits;
  limits.max_commands = 500;
  auto program = sieve::compile(script, limits);
  if (!program) {
    for (const auto& e : program.error()) {
      if (e.position.line > lines_in(script) || e.position.line == 0) std::abort();
    }
    return 0;
  }
  sieve::RunOptions options;
  options.limits.max_steps = 2000;
  auto outcome =
      sieve::run(*program, sample(), {"alice@example.org", "bob+x@example.net"}, options);
  if (outcome.actions.empty()) std::abort();  // at least the implicit keep, or an action
  (void)sieve::to_json(outcome);
  return 0;
}
