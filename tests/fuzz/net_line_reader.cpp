// libFuzzer: the server's line reader. The first byte picks the line limit
// and the chunk size; the rest is fed in chunks and all at once, and both
// ways must give the same events, with no line longer than the limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/net/line_reader.hpp"

namespace {

std::vector<std::string> events(std::string_view input, std::size_t limit, std::size_t chunk) {
  mailroom::net::LineReader reader(limit);
  std::vector<std::string> out;
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    reader.feed(input.substr(at, chunk));
    while (auto event = reader.next()) {
      if (event->kind == mailroom::net::LineEvent::Kind::too_long) {
        out.emplace_back("\xff<too long>");
        continue;
      }
      if (event->text.size() > limit) __builtin_trap();
      if (event->text.find('\n') != std::string::npos) __builtin_trap();
      out.push_back(event->text);
    }
  }
  if (reader.take_pending().size() > limit + 2 + input.size()) __builtin_trap();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::size_t limit = 1 + (data[0] & 0x1f);
  std::size_t chunk = 1 + (data[0] >> 5);
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (events(input, limit, chunk) != events(input, limit, input.size() + 1)) __builtin_trap();
  return 0;
}
