// Encoders for the messages Sieve writes: base64 and quoted-printable
// bodies (RFC 2045 §6.7, §6.8) and RFC 2047 encoded-words for header text.
#pragma once

#include <string>
#include <string_view>

namespace mailroom::sieve {

// Lines of at most 76 characters, each ended by LF.
std::string base64_body(std::string_view data);
// RFC 2045 §6.7, LF line ends kept as line breaks, soft breaks at 76.
std::string quoted_printable_body(std::string_view text);
// "7bit", "quoted-printable" or "base64": plain ASCII with short lines
// passes as it is; mostly-ASCII UTF-8 stays readable as quoted-printable;
// other text is smaller in base64.
std::string_view choose_transfer_encoding(std::string_view text);
std::string encode_body(std::string_view text, std::string_view encoding);

// An unstructured header value (Subject): ASCII as it is, else RFC 2047
// "=?UTF-8?B?...?=" words of at most 75 characters, never splitting a
// UTF-8 sequence, joined by folding ("\n "). `used` is the length of
// "Name: " before it, so the first line stays under 78.
std::string encode_header_text(std::string_view text, std::size_t used);
// "Name <addr>" with the display name quoted or encoded as it needs.
std::string encode_mailbox(std::string_view display_name, std::string_view addr_spec);
// CR LF and bare CR as LF; header values lose line breaks entirely.
std::string to_lf(std::string_view text);
std::string one_line(std::string_view text);

}  // namespace mailroom::sieve
