// Colon-separated table lines (passwd(5), the virtual users file).
#pragma once

#include <charconv>
#include <string_view>
#include <system_error>
#include <vector>

namespace mailroom {

// "a:b::c" -> {"a", "b", "", "c"}: every field, empty ones included.
[[nodiscard]] inline std::vector<std::string_view> split_fields(std::string_view line, char sep) {
  std::vector<std::string_view> fields;
  while (true) {
    const auto at = line.find(sep);
    fields.push_back(line.substr(0, at));
    if (at == std::string_view::npos) return fields;
    line.remove_prefix(at + 1);
  }
}

// A uid or gid in decimal, all of `text` and within the type's range.
template <class Id>
[[nodiscard]] bool parse_id(std::string_view text, Id& out) {
  unsigned long value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || stop != end) return false;
  out = static_cast<Id>(value);
  return static_cast<unsigned long>(out) == value;
}

}  // namespace mailroom
