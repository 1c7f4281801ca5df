// Figures as the summary prints them, shared by its text and HTML forms.
#pragma once

#include <cstdint>
#include <string>

namespace mailroom::dmarc_report {

// "1,240"
inline std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

// Whole percent, rounded; "-" of nothing.
inline std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "-";
  return std::to_string((part * 100 + whole / 2) / whole) + "%";
}

}  // namespace mailroom::dmarc_report
