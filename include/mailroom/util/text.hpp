// Small text helpers shared by the parsers of configuration files and
// DNS-published records.
#pragma once

#include <string_view>

namespace mailroom {

// `s` without leading and trailing spaces, tabs, CRs and LFs: the folding
// whitespace of DKIM tag lists (RFC 6376 §3.2) and the blanks around the
// words of a line in resolv.conf, nsswitch.conf or passwd.
[[nodiscard]] constexpr std::string_view trim_space(std::string_view s) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

}  // namespace mailroom
