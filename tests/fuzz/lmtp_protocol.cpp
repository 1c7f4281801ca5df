// libFuzzer: an LMTP conversation (RFC 2033) as the server's protocol
// engine reads it, commands and DATA, cut into chunks whose size the first
// input byte chooses (a parser must not care where reads end). Checks the
// invariants a client relies on besides "no crash": every reply is whole
// CRLF-terminated lines with a three-digit code, a message never exceeds
// the size limit, and it has at least one recipient.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "lmtp/protocol.hpp"

namespace {

using mailroom::lmtp::Reply;

std::optional<Reply> check(std::string_view address, std::string& user) {
  user = std::string(address.substr(0, address.find('@')));
  if (!user.empty() && user[0] == 'x') return Reply{550, "5.1.1", "no such user"};
  return std::nullopt;
}

void check_replies(std::string_view replies) {
  while (!replies.empty()) {
    auto crlf = replies.find("\r\n");
    if (crlf == std::string_view::npos || crlf < 3) __builtin_trap();
    for (int i = 0; i < 3; ++i)
      if (replies[i] < '0' || replies[i] > '9') __builtin_trap();
    if (replies.substr(0, crlf).find_first_of("\r\n") != std::string_view::npos) __builtin_trap();
    replies.remove_prefix(crlf + 2);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 16;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  mailroom::lmtp::Limits limits;
  limits.max_line = 128;
  limits.max_recipients = 4;
  limits.max_message_size = 256;
  mailroom::lmtp::Protocol protocol(limits, "fuzz.example", check);
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    protocol.feed(input.substr(at, chunk));
    for (;;) {
      auto out = protocol.run();
      check_replies(out.replies);
      if (out.close) return 0;
      if (!out.message) break;
      if (out.message->data.size() > limits.max_message_size) __builtin_trap();
      if (out.message->recipients.empty()) __builtin_trap();
      std::vector<Reply> replies(out.message->recipients.size(), Reply{250, "2.0.0", "ok"});
      check_replies(protocol.finish(replies));
    }
  }
  return 0;
}
