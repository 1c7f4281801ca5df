// libFuzzer: ManageSieve client input (RFC 5804 §4) as the command reader
// splits it, whole and in two pieces (the events must not depend on how the
// bytes arrive); the limits hold for every event; a string the server sends
// reads back as itself; a name script_name_problem() accepts stays one file
// inside the script directory.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/server/managesieve.hpp"

namespace {

using namespace mailroom::server::managesieve;

std::vector<std::string> run(std::string_view first, std::string_view second, Limits limits) {
  CommandReader reader(limits);
  std::vector<std::string> out;
  auto drain = [&] {
    while (auto event = reader.next()) {
      if (event->tokens.size() > limits.max_arguments + 1) __builtin_trap();
      std::string flat = event->kind == Event::Kind::error ? "!" + event->message : "";
      for (const auto& token : event->tokens) {
        if (token.text.size() > limits.max_literal && token.text.size() > limits.max_line)
          __builtin_trap();
        flat += std::to_string(static_cast<int>(token.kind)) + ":" + token.text + '\0';
      }
      out.push_back(flat);
    }
  };
  reader.feed(first);
  drain();
  reader.feed(second);
  drain();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Limits limits;
  limits.max_line = 64;
  limits.max_literal = 32;
  limits.max_arguments = 4;
  std::size_t cut = size == 0 ? 0 : data[0] % size;
  if (run(input, {}, limits) != run(input.substr(0, cut), input.substr(cut), limits))
    __builtin_trap();
  // What the server sends as a string, the reader takes back unchanged.
  CommandReader reader(Limits{});
  reader.feed("NOOP " + sieve_string(input) + "\r\n");
  auto echo = reader.next();
  if (!echo || echo->kind != Event::Kind::command || echo->tokens.size() != 2 ||
      echo->tokens[1].text != input)
    __builtin_trap();
  if (script_name_problem(input).empty() &&
      (input.find('/') != std::string_view::npos || input.front() == '.' ||
       input.find('\0') != std::string_view::npos))
    __builtin_trap();
  return 0;
}
