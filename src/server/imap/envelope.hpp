// ENVELOPE (RFC 3501 section 7.4.2) written straight into a response from
// a header's fields: the first FETCH of a folder (no cache, every message
// read) spends its time here, so no Message is built, the fields are
// looked at once, and the answer is appended, not assembled from pieces.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "mailroom/message/header.hpp"
#include "mailroom/message/limits.hpp"

namespace mailroom::server::imap {

// A string for a response, appended: quoted when it can be, a literal when
// it holds CR, LF, NUL, 8-bit octets or is long.
void append_imap_string(std::string& out, std::string_view text);

// A display name or parameter value the message module decoded to UTF-8,
// back out as an RFC 2047 word ("=?UTF-8?B?...?="): ENVELOPE and
// BODYSTRUCTURE strings are as in the header, 7-bit. ASCII stays as it is.
[[nodiscard]] std::string encoded_word(std::string_view utf8);

// The parenthesised ENVELOPE list of the fields of one header (the
// message module's parse of it: Message::headers() or a HeaderBlock).
void append_envelope(std::string& out, std::span<const message::HeaderField> fields,
                     const message::Limits& limits);

// The same for a header block alone (CRLF line ends, as sent; the blank
// line after it may be there or not), parsed with the message module's
// header parser, as Message::parse would parse it.
void append_envelope(std::string& out, std::string_view header);

}  // namespace mailroom::server::imap
