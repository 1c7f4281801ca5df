// Defects found while parsing: the message still parses (Message::parse
// never fails), but the spam scorer and the logs can see what was wrong.
#pragma once

#include <cstdint>
#include <string_view>

namespace mailroom::message {

enum class Defect : std::uint32_t {
  missing_separator = 1U << 0,        // no blank line between header and body
  header_truncated = 1U << 1,         // a limit ended the header block early
  line_too_long = 1U << 2,            // a header line exceeded Limits::max_line_length
  too_many_headers = 1U << 3,         // Limits::max_header_count
  header_block_too_large = 1U << 4,   // Limits::max_header_block
  bare_cr = 1U << 5,                  // CR not followed by LF
  mixed_line_endings = 1U << 6,       // both CRLF and bare LF line endings
  nul_byte = 1U << 7,                 // NUL in the header block
  eight_bit_header = 1U << 8,         // raw 8-bit bytes in header values (RFC 6532 or junk)
  continuation_first = 1U << 9,       // message starts with a folded line
  mime_too_deep = 1U << 10,           // Limits::max_mime_depth
  too_many_parts = 1U << 11,          // Limits::max_parts
  missing_boundary = 1U << 12,        // multipart without boundary parameter
  missing_final_boundary = 1U << 13,  // multipart not closed by "--boundary--"
  no_parts = 1U << 14,                // multipart without any body part
  decoded_truncated = 1U << 15,       // Limits::max_decoded_size cut a decoded part
  bad_transfer_encoding = 1U << 16,   // garbage in base64/QP, unknown encoding
  bad_charset = 1U << 17,             // unknown charset or invalid bytes in it
  bad_encoded_word = 1U << 18,        // RFC 2047 word that did not decode
  mime_scan_limit = 1U << 19,         // Limits::max_mime_scan_factor stopped the MIME parser
};

// A small set of Defect values.
class Defects {
 public:
  constexpr Defects() = default;
  constexpr void add(Defect d) noexcept { bits_ |= static_cast<std::uint32_t>(d); }
  constexpr void add(Defects other) noexcept { bits_ |= other.bits_; }
  [[nodiscard]] constexpr bool has(Defect d) const noexcept {
    return (bits_ & static_cast<std::uint32_t>(d)) != 0;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] constexpr std::uint32_t bits() const noexcept { return bits_; }
  friend constexpr bool operator==(Defects, Defects) = default;

 private:
  std::uint32_t bits_ = 0;
};

// Stable lower-case name of a defect ("header_truncated"), for logs and tests.
std::string_view defect_name(Defect d) noexcept;
// Inverse of defect_name; false if the name is unknown.
bool defect_from_name(std::string_view name, Defect& out) noexcept;

}  // namespace mailroom::message
