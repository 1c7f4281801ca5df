// Sizes and durations as people write them in configuration files.
#include <charconv>
#include <cstdio>

#include "mailroom/util/config.hpp"
#include "util/config_setters.hpp"

namespace mailroom {
namespace {

struct Unit {
  char suffix;
  std::uint64_t factor;
};

template <std::size_t N>
Result<std::uint64_t> parse_with_units(std::string_view text, const Unit (&units)[N],
                                       std::string_view what) {
  auto bad = [&] {
    return fail(ErrorKind::config, "'" + std::string(text) + "' is not a " + std::string(what));
  };
  std::uint64_t number = 0;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, number);
  if (ec != std::errc() || rest == text.data()) return bad();
  std::uint64_t factor = 1;
  if (rest != end) {
    if (end - rest != 1) return bad();
    char suffix = static_cast<char>(*rest | 0x20);  // case-insensitive
    bool found = false;
    for (const auto& unit : units) {
      if (unit.suffix == suffix) {
        factor = unit.factor;
        found = true;
      }
    }
    if (!found) return bad();
  }
  if (number > UINT64_MAX / factor) return bad();
  return number * factor;
}

constexpr Unit kSizeUnits[] = {{'b', 1}, {'k', 1ULL << 10}, {'m', 1ULL << 20}, {'g', 1ULL << 30}};
constexpr Unit kTimeUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};

}  // namespace

Result<std::uint64_t> parse_size(std::string_view text) {
  return parse_with_units(text, kSizeUnits, "size (such as 512, 64K, 100M, 1G)");
}

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  auto seconds = parse_with_units(text, kTimeUnits, "duration (such as 30s, 5m, 2h)");
  if (!seconds) return tl::unexpected(seconds.error());
  return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(*seconds));
}

namespace config_setters {

bool valid_quota_definition(std::string_view text) {
  if (text.empty()) return true;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = text.substr(0, comma);
    if (part.size() < 2 || (part.back() != 'S' && part.back() != 'C')) return false;
    for (char c : part.substr(0, part.size() - 1))
      if (c < '0' || c > '9') return false;
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return false;
  }
  return true;
}

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string format_size(std::uint64_t bytes) {
  for (const char* suffix : {"G", "M", "K"}) {
    std::uint64_t factor = *suffix == 'G' ? 1ULL << 30 : *suffix == 'M' ? 1ULL << 20 : 1ULL << 10;
    if (bytes >= factor && bytes % factor == 0) return std::to_string(bytes / factor) + suffix;
  }
  return std::to_string(bytes);
}

std::string format_duration(std::chrono::seconds seconds) {
  auto s = static_cast<std::uint64_t>(seconds.count());
  if (s >= 3600 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s >= 60 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace config_setters
}  // namespace mailroom
