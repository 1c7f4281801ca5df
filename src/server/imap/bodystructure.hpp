// ENVELOPE and BODYSTRUCTURE (RFC 3501 section 7.4.2) from the message
// module's parse of a message (CRLF line ends, as sent), and the part a
// BODY[section] names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mailroom/message/message.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::server::imap {

// A string for a response: quoted when it can be, a literal when it holds
// CR, LF, NUL, 8-bit octets or is long; NIL for nullopt.
[[nodiscard]] std::string imap_string(std::string_view text);
[[nodiscard]] std::string nstring(const std::optional<std::string>& text);

[[nodiscard]] std::string envelope(const message::Message& message);
// extensible: BODYSTRUCTURE (with the extension data); otherwise BODY.
[[nodiscard]] std::string body_structure(const message::Message& message, bool extensible);

// The bytes of BODY[<section>] (RFC 3501 section 6.4.5) of a message, e.g.
// "", "HEADER", "TEXT", "1.2", "2.MIME", "HEADER.FIELDS (From To)";
// nullopt when the section names no part or does not parse.
[[nodiscard]] std::optional<std::string> section_text(const message::Message& message,
                                                      std::string_view section);

// BINARY[<section>] (RFC 3516): the part's content with its
// Content-Transfer-Encoding undone; the whole message for "". `section`
// is part numbers only ("1.2").
enum class BinaryError { no_part, unknown_encoding };
[[nodiscard]] tl::expected<std::string, BinaryError> binary_section(const message::Message& message,
                                                                    std::string_view section);

}  // namespace mailroom::server::imap
