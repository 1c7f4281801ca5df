#include "maildir/utf8.hpp"

#include <cstdint>

namespace mailroom::maildir::detail {
namespace {

// Sequence length from the lead byte, 0 if it cannot start a sequence.
int sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;  // C0, C1 would be overlong
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;  // F5.. would exceed U+10FFFF
  return 0;
}

}  // namespace

bool decode_utf8(std::string_view in, std::vector<char32_t>& out) {
  std::size_t i = 0;
  while (i < in.size()) {
    const auto lead = static_cast<unsigned char>(in[i]);
    const int len = sequence_length(lead);
    if (len == 0 || i + static_cast<std::size_t>(len) > in.size()) return false;
    char32_t cp = len == 1 ? lead : lead & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(in[i + static_cast<std::size_t>(k)]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  return true;
}

}  // namespace mailroom::maildir::detail
