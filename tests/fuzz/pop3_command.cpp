// libFuzzer: POP3 command lines (RFC 1939, RFC 2449, RFC 5034) as the
// server parses them, and the multi-line framing of what it sends back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mailroom/server/pop3.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom::server::pop3;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto command = parse_command(input);
  if (command) {
    if (command->message && *command->message == 0) __builtin_trap();  // numbers start at 1
    if (command->verb != Verb::pass && command->verb != Verb::auth && command->text.size() > 40)
      __builtin_trap();  // RFC 1939 section 3: 40 octets per argument
  }
  // The framing: each line ends in CRLF, no line but the last is ".", and
  // the body line count of TOP is honoured.
  for (auto lines : {std::optional<std::size_t>(), std::optional<std::size_t>(1)}) {
    std::string out = dot_stuff(input, lines);
    if (out.size() < 3 || out.substr(out.size() - 3) != ".\r\n") __builtin_trap();
    std::string_view rest(out);
    rest.remove_suffix(3);
    while (!rest.empty()) {
      auto crlf = rest.find("\r\n");
      if (crlf == std::string_view::npos) __builtin_trap();
      if (rest.substr(0, crlf) == ".") __builtin_trap();
      rest.remove_prefix(crlf + 2);
    }
  }
  return 0;
}
