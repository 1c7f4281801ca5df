// libFuzzer: ENVELOPE (RFC 3501 section 7.4.2) straight from a header as
// stored, the path of FETCH ENVELOPE. A differential check: the header as
// stored (LF line ends, mostly) must give the same answer as the header
// made CRLF, and as the header of a parsed Message (what FETCH answers when
// it reads the whole message); the short way through common address forms
// (the input read as one field value) gives the address parser's answer;
// and the answer is a parenthesised list.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mailroom/message/message.hpp"
#include "server/imap/bodystructure.hpp"
#include "server/imap/envelope.hpp"
#include "server/imap/selected.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom;
  if (size > 16384) return 0;
  std::string_view header(reinterpret_cast<const char*>(data), size);
  std::string stored, crlf;
  server::imap::append_envelope(stored, header);
  server::imap::append_envelope(crlf, server::imap::to_crlf(header));
  if (stored != crlf) __builtin_trap();
  auto parsed =
      message::Message::parse(std::make_shared<const message::Buffer>(
                                  message::Buffer::from_string(server::imap::to_crlf(header))),
                              {}, message::Scope::headers);
  if (server::imap::envelope(parsed) != crlf) __builtin_trap();
  // The short way through common address forms, where it answers, is
  // the parser's answer.
  if (auto simple = server::imap::simple_address_list(header, 50)) {
    message::Limits limits;
    limits.max_addresses = 50;
    auto parsed_list = message::parse_address_list(header, limits);
    if (simple->size() != parsed_list.size()) __builtin_trap();
    for (std::size_t i = 0; i < simple->size(); ++i) {
      const auto& a = (*simple)[i];
      const auto& b = parsed_list[i];
      if (a.display_name != b.display_name || a.local_part != b.local_part ||
          a.domain != b.domain || a.group != b.group)
        __builtin_trap();
    }
  }
  if (stored.size() < 2 || stored.front() != '(' || stored.back() != ')') __builtin_trap();
  return 0;
}
