#include "dkim_base64.hpp"

#include <array>
#include <cstdint>

namespace mailroom::auth {
namespace {

constexpr std::int8_t kSkip = -2;
constexpr std::int8_t kBad = -1;

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = kBad;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  }
  for (char c : {' ', '\t', '\r', '\n'}) t[static_cast<unsigned char>(c)] = kSkip;
  return t;
}

constexpr auto kTable = make_table();

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  // Written by index into room for every symbol, then cut to length: a
  // push_back per byte was most of parsing a DKIM-Signature (b= is 350
  // symbols, and each signature is parsed twice per delivery).
  std::string out(text.size() * 3 / 4 + 1, '\0');
  std::size_t written = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  int pad = 0;
  int symbols = 0;
  const auto* symbol = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t at = 0; at < text.size(); ++at) {
    // Four symbols of the alphabet at a quantum's start (no padding seen,
    // so no error possible) make three bytes at once: b= is mostly
    // unbroken runs, and a symbol at a time was 19 instructions. The
    // bits before a quantum never reach its bytes, so acc needs no update.
    if (bits == 0 && pad == 0 && text.size() - at >= 4) {
      const std::int8_t a = kTable[symbol[at]], b = kTable[symbol[at + 1]],
                        c = kTable[symbol[at + 2]], d = kTable[symbol[at + 3]];
      if ((a | b | c | d) >= 0) {
        const auto quantum = static_cast<std::uint32_t>(a) << 18 |
                             static_cast<std::uint32_t>(b) << 12 |
                             static_cast<std::uint32_t>(c) << 6 | static_cast<std::uint32_t>(d);
        out[written++] = static_cast<char>(quantum >> 16);
        out[written++] = static_cast<char>((quantum >> 8) & 0xff);
        out[written++] = static_cast<char>(quantum & 0xff);
        symbols += 4;
        at += 3;
        continue;
      }
    }
    const char ch = text[at];
    auto v = kTable[static_cast<unsigned char>(ch)];
    if (v == kSkip) continue;
    if (ch == '=') {
      ++pad;
      continue;
    }
    if (v == kBad || pad > 0) return std::nullopt;  // data after padding
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // A quantum of 1 symbol is never valid; padding, when present, must complete it.
  int rest = symbols % 4;
  if (rest == 1 || pad > 2) return std::nullopt;
  if (pad > 0 && (rest + pad) % 4 != 0) return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace mailroom::auth
