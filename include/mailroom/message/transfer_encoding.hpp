// RFC 2045 §6 Content-Transfer-Encoding: base64 and quoted-printable
// decoders that tolerate the garbage real mail contains.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include "mailroom/message/defect.hpp"

namespace mailroom::message {

enum class TransferEncoding { seven_bit, eight_bit, binary, quoted_printable, base64, unknown };

// Parses a Content-Transfer-Encoding value (case-insensitive; empty = 7bit).
TransferEncoding parse_transfer_encoding(std::string_view value) noexcept;

// RFC 2045 §6.8. Characters outside the alphabet are skipped (§6.8 says
// to ignore them), padding may be missing, and decoding resumes after '='
// so that concatenated base64 blocks decode. Garbage sets
// Defect::bad_transfer_encoding. Output stops at max_out (decoded_truncated).
void decode_base64(std::string_view in, std::string& out, Defects& defects,
                   std::size_t max_out = std::numeric_limits<std::size_t>::max());

// RFC 2045 §6.7: "=XX" (either case), soft line breaks "=" + optional
// trailing white space + line ending; a stray "=" is kept as is.
void decode_quoted_printable(std::string_view in, std::string& out, Defects& defects,
                             std::size_t max_out = std::numeric_limits<std::size_t>::max());

// Decodes `in` by `encoding` (identity for 7bit/8bit/binary/unknown).
std::string decode_transfer(std::string_view in, TransferEncoding encoding, Defects& defects,
                            std::size_t max_out = std::numeric_limits<std::size_t>::max());

}  // namespace mailroom::message
