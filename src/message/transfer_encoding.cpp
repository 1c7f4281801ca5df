// RFC 2045 §6 transfer decodings, tolerant of real-world garbage.
#include "mailroom/message/transfer_encoding.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "mailroom/message/header.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::message {
namespace {

constexpr std::uint8_t kSkip = 0xFF;

constexpr std::array<std::uint8_t, 256> make_base64_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = kSkip;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return t;
}
constexpr auto kBase64 = make_base64_table();

}  // namespace

TransferEncoding parse_transfer_encoding(std::string_view value) noexcept {
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  while (!value.empty() && (is_space(value.back()) || value.back() == ';')) value.remove_suffix(1);
  if (value.empty() || iequals(value, "7bit")) return TransferEncoding::seven_bit;
  if (iequals(value, "8bit")) return TransferEncoding::eight_bit;
  if (iequals(value, "binary")) return TransferEncoding::binary;
  if (iequals(value, "quoted-printable")) return TransferEncoding::quoted_printable;
  if (iequals(value, "base64")) return TransferEncoding::base64;
  return TransferEncoding::unknown;
}

void decode_base64(std::string_view in, std::string& out, Defects& defects, std::size_t max_out) {
  std::uint32_t acc = 0;
  int bits = 0;
  bool garbage = false;
  for (const char c : in) {
    const std::uint8_t v = kBase64[static_cast<unsigned char>(c)];
    if (v == kSkip) {
      if (c == '=') {
        // End of a quantum: drop its partial bits, and go on in case
        // another block follows (concatenated base64 attachments).
        bits = 0;
        acc = 0;
      } else if (!is_space(c)) {
        garbage = true;
      }
      continue;
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (out.size() >= max_out) {
        defects.add(Defect::decoded_truncated);
        return;
      }
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6) garbage = true;  // a lone sextet cannot encode a byte (truncated input)
  if (garbage) defects.add(Defect::bad_transfer_encoding);
}

void decode_quoted_printable(std::string_view in, std::string& out, Defects& defects,
                             std::size_t max_out) {
  std::size_t i = 0;
  while (i < in.size()) {
    if (out.size() >= max_out) {
      defects.add(Defect::decoded_truncated);
      return;
    }
    const char c = in[i];
    if (c != '=') {
      out.push_back(c);
      ++i;
      continue;
    }
    // Soft line break: "=" [transport padding] line ending (§6.7 rule 5).
    std::size_t j = i + 1;
    while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
    if (j == in.size()) {  // "=" at the very end: a soft break without line ending
      i = j;
      continue;
    }
    if (in[j] == '\n' || (in[j] == '\r' && j + 1 < in.size() && in[j + 1] == '\n')) {
      i = j + (in[j] == '\r' ? 2 : 1);
      continue;
    }
    if (i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 3;
      continue;
    }
    defects.add(Defect::bad_transfer_encoding);
    out.push_back('=');  // §6.7 note: keep a stray "=" as written
    ++i;
  }
}

std::string decode_transfer(std::string_view in, TransferEncoding encoding, Defects& defects,
                            std::size_t max_out) {
  std::string out;
  switch (encoding) {
    case TransferEncoding::base64:
      out.reserve(std::min(in.size() / 4 * 3 + 3, max_out));
      decode_base64(in, out, defects, max_out);
      break;
    case TransferEncoding::quoted_printable:
      out.reserve(std::min(in.size(), max_out));
      decode_quoted_printable(in, out, defects, max_out);
      break;
    default:
      if (in.size() > max_out) {
        defects.add(Defect::decoded_truncated);
        in = in.substr(0, max_out);
      }
      out.assign(in);
      break;
  }
  return out;
}

}  // namespace mailroom::message
