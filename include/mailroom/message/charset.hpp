// Charset conversion to UTF-8 (RFC 2045 §5.1 charset parameter, RFC 2047
// words, RFC 2231 parameters). Never fails: what cannot be converted becomes
// U+FFFD and a Defect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "mailroom/message/defect.hpp"

namespace mailroom::message {

// Converts `bytes` from `charset` (a MIME charset name, any case) to UTF-8,
// appending to `out` but never growing it beyond `max_out` bytes (then sets
// Defect::decoded_truncated). An unknown charset or invalid bytes set
// Defect::bad_charset; unknown charsets are read as UTF-8 if valid, else as
// windows-1252, so the text stays readable.
void append_utf8(std::string_view bytes, std::string_view charset, std::string& out,
                 Defects& defects, std::size_t max_out = std::numeric_limits<std::size_t>::max());

// Convenience form of append_utf8.
std::string to_utf8(std::string_view bytes, std::string_view charset, Defects& defects);

// Appends the UTF-8 encoding of one code point. A value that is not a
// Unicode scalar value (0, a surrogate, above U+10FFFF) becomes U+FFFD.
void append_code_point(std::uint32_t cp, std::string& out);

// True if `bytes` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view bytes) noexcept;

// Raw header text (RFC 6532): kept if valid UTF-8, else read as windows-1252.
std::string header_bytes_to_utf8(std::string_view bytes);

}  // namespace mailroom::message
