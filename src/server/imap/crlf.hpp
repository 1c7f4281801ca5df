// IMAP sends CRLF line ends (RFC 3501 section 2.3.1); deliver stores what
// the MTA gave, normally LF. Every message FETCH sends goes through here,
// so the text is scanned 16 octets at a time where the CPU has SSE2, not a
// library call per line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailroom::server::imap {

// The octets of `text` with every bare LF made CRLF.
[[nodiscard]] std::size_t crlf_size(std::string_view text);
// `text` with every bare LF made CRLF, appended to `out`.
void append_crlf(std::string& out, std::string_view text);
// The same when crlf_size(text) is known already (a literal's length
// comes first): `size` must be it.
void append_crlf(std::string& out, std::string_view text, std::size_t size);
// The same, as a string of its own.
[[nodiscard]] std::string to_crlf(std::string_view text);

}  // namespace mailroom::server::imap
