// IDN domains: RFC 3492 Punycode with the RFC 5891 "xn--" ACE prefix.
#include <cstdint>
#include <vector>

#include "mailroom/message/address.hpp"
#include "mailroom/message/charset.hpp"

namespace mailroom::message {
namespace {

// RFC 3492 §5 parameters.
constexpr std::uint32_t kBase = 36;
constexpr std::uint32_t kTmin = 1;
constexpr std::uint32_t kTmax = 26;
constexpr std::uint32_t kSkew = 38;
constexpr std::uint32_t kDamp = 700;
constexpr std::uint32_t kInitialBias = 72;
constexpr std::uint32_t kInitialN = 128;
constexpr std::size_t kMaxLabel = 63;  // RFC 1035 §2.3.4

std::uint32_t adapt(std::uint32_t delta, std::uint32_t points, bool first) {
  delta = first ? delta / kDamp : delta / 2;
  delta += delta / points;
  std::uint32_t k = 0;
  while (delta > ((kBase - kTmin) * kTmax) / 2) {
    delta /= kBase - kTmin;
    k += kBase;
  }
  return k + (kBase - kTmin + 1) * delta / (delta + kSkew);
}

char digit_char(std::uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

int digit_value(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '0' && c <= '9') return c - '0' + 26;
  return -1;
}

bool utf8_to_code_points(std::string_view s, std::vector<std::uint32_t>& out) {
  if (!is_valid_utf8(s)) return false;
  for (std::size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
    std::uint32_t cp = len == 1   ? b0
                       : len == 2 ? (b0 & 0x1F)
                       : len == 3 ? (b0 & 0x0F)
                                  : (b0 & 0x07);
    for (std::size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return true;
}

// RFC 3492 §6.3 encoding of one label.
bool punycode_encode(const std::vector<std::uint32_t>& in, std::string& out) {
  std::uint32_t n = kInitialN;
  std::uint32_t delta = 0;
  std::uint32_t bias = kInitialBias;
  std::uint32_t h = 0;
  for (const std::uint32_t cp : in) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
      ++h;
    }
  }
  const std::uint32_t b = h;
  if (b > 0) out.push_back('-');
  const auto total = static_cast<std::uint32_t>(in.size());
  while (h < total) {
    std::uint32_t m = 0xFFFFFFFF;
    for (const std::uint32_t cp : in) {
      if (cp >= n && cp < m) m = cp;
    }
    if ((m - n) > (0xFFFFFFFF - delta) / (h + 1)) return false;  // overflow
    delta += (m - n) * (h + 1);
    n = m;
    for (const std::uint32_t cp : in) {
      if (cp < n && ++delta == 0) return false;
      if (cp != n) continue;
      std::uint32_t q = delta;
      for (std::uint32_t k = kBase;; k += kBase) {
        const std::uint32_t t = k <= bias ? kTmin : k >= bias + kTmax ? kTmax : k - bias;
        if (q < t) break;
        out.push_back(digit_char(t + (q - t) % (kBase - t)));
        q = (q - t) / (kBase - t);
      }
      out.push_back(digit_char(q));
      bias = adapt(delta, h + 1, h == b);
      delta = 0;
      ++h;
    }
    ++delta;
    ++n;
  }
  return true;
}

// RFC 3492 §6.2 decoding of one label (without the prefix).
bool punycode_decode(std::string_view in, std::string& out) {
  std::vector<std::uint32_t> cps;
  const auto dash = in.rfind('-');
  std::size_t pos = 0;
  if (dash != std::string_view::npos) {
    for (std::size_t i = 0; i < dash; ++i) {
      if (static_cast<unsigned char>(in[i]) >= 0x80) return false;
      cps.push_back(static_cast<unsigned char>(in[i]));
    }
    pos = dash + 1;
  }
  std::uint32_t n = kInitialN;
  std::uint32_t i = 0;
  std::uint32_t bias = kInitialBias;
  while (pos < in.size()) {
    const std::uint32_t old_i = i;
    std::uint32_t w = 1;
    for (std::uint32_t k = kBase;; k += kBase) {
      if (pos >= in.size()) return false;
      const int d = digit_value(in[pos++]);
      if (d < 0) return false;
      const auto digit = static_cast<std::uint32_t>(d);
      if (digit > (0xFFFFFFFF - i) / w) return false;
      i += digit * w;
      const std::uint32_t t = k <= bias ? kTmin : k >= bias + kTmax ? kTmax : k - bias;
      if (digit < t) break;
      if (w > 0xFFFFFFFF / (kBase - t)) return false;
      w *= kBase - t;
    }
    const auto len = static_cast<std::uint32_t>(cps.size() + 1);
    bias = adapt(i - old_i, len, old_i == 0);
    if (i / len > 0x10FFFF - n) return false;
    n += i / len;
    i %= len;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) || cps.size() >= kMaxLabel) return false;
    cps.insert(cps.begin() + i, n);
    ++i;
  }
  for (const std::uint32_t cp : cps) append_code_point(cp, out);
  return true;
}

bool istarts_xn(std::string_view label) noexcept {
  return label.size() >= 4 && (label[0] | 0x20) == 'x' && (label[1] | 0x20) == 'n' &&
         label[2] == '-' && label[3] == '-';
}

}  // namespace

std::optional<std::string> domain_to_ascii(std::string_view domain) {
  std::string out;
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    std::vector<std::uint32_t> cps;
    if (label.size() > 4 * kMaxLabel || !utf8_to_code_points(label, cps)) return std::nullopt;
    bool ascii = true;
    for (const std::uint32_t cp : cps) ascii = ascii && cp < 0x80;
    std::string encoded;
    if (ascii) {
      for (char c : label) encoded.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    } else {
      encoded = "xn--";
      if (!punycode_encode(cps, encoded)) return std::nullopt;
    }
    if (encoded.size() > kMaxLabel) return std::nullopt;
    out += encoded;
    if (dot == domain.size()) break;
    out.push_back('.');
    start = dot + 1;
  }
  return out;
}

std::optional<std::string> domain_to_unicode(std::string_view domain) {
  std::string out;
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    if (label.size() > kMaxLabel) return std::nullopt;
    if (istarts_xn(label)) {
      if (!punycode_decode(label.substr(4), out)) return std::nullopt;
    } else {
      out += label;
    }
    if (dot == domain.size()) break;
    out.push_back('.');
    start = dot + 1;
  }
  return out;
}

}  // namespace mailroom::message
