#include "sieve/encoded_character.hpp"

#include <cstdint>
#include <vector>

#include "mailroom/message/charset.hpp"

namespace mailroom::sieve {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// hex-pair-seq / unicode-hex-seq: *blank item *(1*blank item) *blank, up to
// "}". Items of 1..max_digits hex digits; false if the syntax does not hold.
bool read_sequence(std::string_view body, std::size_t max_digits, std::vector<std::uint32_t>& out) {
  std::size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && blank(body[i])) ++i;
    if (i == body.size()) break;
    std::size_t digits = 0;
    std::uint32_t value = 0;
    while (i < body.size() && hex_value(body[i]) >= 0) {
      // Beyond 8 digits only leading zeros keep a value in range.
      if (value > 0x10FFFF) value = 0x110000;
      value = value * 16 + static_cast<std::uint32_t>(hex_value(body[i]));
      ++digits;
      ++i;
    }
    if (digits == 0 || digits > max_digits) return false;
    if (i < body.size() && !blank(body[i])) return false;  // items need blanks between
    out.push_back(value);
  }
  return !out.empty();
}

}  // namespace

std::optional<std::string> decode_encoded_characters(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = text.find("${", i);
    if (start == std::string_view::npos) break;
    out.append(text.substr(i, start - i));
    std::string_view rest = text.substr(start + 2);
    bool is_hex = starts_with_nocase(rest, "hex:");
    bool is_unicode = !is_hex && starts_with_nocase(rest, "unicode:");
    std::size_t close = rest.find('}');
    std::vector<std::uint32_t> values;
    if ((is_hex || is_unicode) && close != std::string_view::npos) {
      std::size_t skip = is_hex ? 4 : 8;
      std::string_view body = rest.substr(skip, close - skip);
      if (read_sequence(body, is_hex ? 2 : std::string_view::npos, values)) {
        for (std::uint32_t v : values) {
          if (is_hex) {
            out.push_back(static_cast<char>(v));
            continue;
          }
          if ((v > 0xD7FF && v < 0xE000) || v > 0x10FFFF) return std::nullopt;
          // append_code_point writes U+FFFD for 0, which §2.4.2.4 allows.
          if (v == 0) {
            out.push_back('\0');
          } else {
            message::append_code_point(v, out);
          }
        }
        i = start + 2 + close + 1;
        continue;
      }
    }
    out.append("${");  // not an encoding: as written
    i = start + 2;
  }
  if (i < text.size()) out.append(text.substr(i));
  return out;
}

}  // namespace mailroom::sieve
