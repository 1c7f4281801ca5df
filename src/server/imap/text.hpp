// Small text helpers the IMAP files share: ASCII case (RFC 3501 section 9:
// command names, flags, fetch items and INBOX compare case-insensitively)
// and the tagged completion line.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "mailroom/server/imap.hpp"

namespace mailroom::server::imap {

inline std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

// "<tag> <text>\r\n".
inline std::string tagged(const Command& c, std::string_view text) {
  return c.tag + " " + std::string(text) + "\r\n";
}

}  // namespace mailroom::server::imap
