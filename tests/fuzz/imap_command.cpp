// libFuzzer: IMAP command framing (literals {n} and {n+}, RFC 7888) and
// parsing (RFC 3501 section 9), as the server reads what a client sends.
// The input is fed in pieces whose sizes the first byte chooses, so that
// literals and line ends split across reads are covered.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mailroom/server/imap.hpp"

namespace {

void check_value(const mailroom::server::imap::Value& value, std::size_t depth,
                 const mailroom::server::imap::CommandLimits& limits) {
  using Kind = mailroom::server::imap::Value::Kind;
  if (value.kind == Kind::list && depth > limits.max_depth) __builtin_trap();
  if (value.kind != Kind::list && !value.items.empty()) __builtin_trap();
  if (value.kind == Kind::atom && value.text.empty()) __builtin_trap();
  for (const auto& item : value.items) check_value(item, depth + 1, limits);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom::server::imap;
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 16;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  CommandLimits limits;
  limits.max_line = 64;  // small limits, so the fuzzer reaches them
  limits.max_literal = 100;
  limits.max_command = 300;
  limits.max_depth = 4;
  CommandReader reader(limits);
  while (!input.empty()) {
    auto chunk = input.substr(0, piece);
    input.remove_prefix(chunk.size());
    reader.feed(chunk);
    while (auto event = reader.next()) {
      if (event->kind != Framed::Kind::command) {
        if (!event->text.empty()) __builtin_trap();
        continue;
      }
      if (event->text.size() > limits.max_command) __builtin_trap();
      std::string tag;
      auto command = parse_command(event->text, limits, &tag);
      if (!command) continue;
      if (command->tag.empty() || command->tag != tag || command->name.empty()) __builtin_trap();
      for (const auto& arg : command->args) check_value(arg, 1, limits);
    }
  }
  return 0;
}
