// Small ASCII text helpers shared by every parser: configuration files,
// DNS-published records (SPF, DKIM, DMARC), header fields and encodings.
// Mail protocols compare keywords, field names and domain names without
// ASCII case (RFC 5322 §1.2.2, RFC 1035 §2.3.3) and never by locale, so
// none of these consults <cctype> or the C locale.
#pragma once

#include <string>
#include <string_view>

namespace mailroom {

// WSP of RFC 5234 Appendix B.1: space and horizontal tab.
[[nodiscard]] constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

// WSP or a line break: the blanks between words of a field value that may
// still hold its CRLF folds.
[[nodiscard]] constexpr bool is_space(char c) noexcept {
  return is_wsp(c) || c == '\r' || c == '\n';
}

[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// Equal but for the case of ASCII letters; other octets must match exactly.
[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// The value of a hexadecimal digit of either case, or -1.
[[nodiscard]] constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// `s` without leading and trailing spaces, tabs, CRs and LFs: the folding
// whitespace of DKIM tag lists (RFC 6376 §3.2) and the blanks around the
// words of a line in resolv.conf, nsswitch.conf or passwd.
[[nodiscard]] constexpr std::string_view trim_space(std::string_view s) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// `s` without leading and trailing WSP only (DMARC tag lists, RFC 7489 §6.4).
[[nodiscard]] constexpr std::string_view trim_wsp(std::string_view s) noexcept {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace mailroom
