#include "sieve/casemap.hpp"

#include <cstring>

namespace mailroom::sieve {
namespace {

// Only A-Z fold (§9.2); every other octet compares as itself.
constexpr char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_folded(std::string_view a, std::string_view b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (fold(a[i]) != fold(b[i])) return false;
  return true;
}

constexpr char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// Where `c` is next found in [from, end), or end.
const char* next(const char* from, const char* end, char c) {
  const void* at = std::memchr(from, c, static_cast<std::size_t>(end - from));
  return at == nullptr ? end : static_cast<const char*>(at);
}

// The key's first letter is found with memchr (vectorised by the C
// library), in both of its cases: a body :contains scans kilobytes.
bool contains_folded(std::string_view value, std::string_view key) {
  if (key.empty()) return true;
  if (key.size() > value.size()) return false;
  const char lower_first = fold(key[0]);
  const char upper_first = upper(lower_first);
  const std::string_view rest = key.substr(1);
  const char* end = value.data() + (value.size() - key.size() + 1);
  const char* lower_at = next(value.data(), end, lower_first);
  const char* upper_at = lower_first == upper_first ? end : next(value.data(), end, upper_first);
  while (lower_at < end || upper_at < end) {
    const char* at = lower_at < upper_at ? lower_at : upper_at;
    if (equal_folded(rest, std::string_view(at + 1, rest.size()))) return true;
    if (at == lower_at) lower_at = next(at + 1, end, lower_first);
    if (at == upper_at) upper_at = next(at + 1, end, upper_first);
  }
  return false;
}

}  // namespace

std::optional<bool> casemap_match(MatchType match, std::string_view value, std::string_view key) {
  if (match == MatchType::is) return value.size() == key.size() && equal_folded(value, key);
  if (match == MatchType::contains) return contains_folded(value, key);
  return std::nullopt;
}

}  // namespace mailroom::sieve
