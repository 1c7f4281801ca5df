// ENVELOPE (RFC 3501 section 7.4.2) written straight into a response from
// a header's fields: the first FETCH of a folder (no cache, every message
// read) spends its time here, so no Message is built, the fields are
// looked at once, and the answer is appended, not assembled from pieces.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/address.hpp"
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

// The addresses of a value in the forms most mail has ("local@domain",
// "<local@domain>", "Some Name <local@domain>", separated by commas), read
// without the message module's tokenizer; nullopt for anything else
// (quotes, comments, groups, routes, encoded words, 8-bit, empty members,
// more than `max`), which parse_address_list reads. Where it answers, the
// answer is parse_address_list's (fuzz_imap_envelope checks that).
[[nodiscard]] std::optional<std::vector<message::Address>> simple_address_list(
    std::string_view value, std::size_t max);

// The parenthesised ENVELOPE list of the fields of one header (the
// message module's parse of it: Message::headers() or a HeaderBlock).
void append_envelope(std::string& out, std::span<const message::HeaderField> fields,
                     const message::Limits& limits);

// The same for a header block alone (the blank line after it may be there
// or not), parsed with the message module's header parser, as
// Message::parse would parse it. Its line ends may be LF as stored: the
// answer is the same as for the header made CRLF (header parsing,
// unfolding and address parsing treat LF and CRLF alike; a CR that is
// not before an LF stays either way).
void append_envelope(std::string& out, std::string_view header);

}  // namespace mailroom::server::imap
