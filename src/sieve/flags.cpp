#include "sieve/flags.hpp"

#include <algorithm>
#include <array>

namespace mailroom::sieve {
namespace {

constexpr std::array<std::string_view, 5> kSystemFlags = {"\\Answered", "\\Flagged", "\\Deleted",
                                                          "\\Seen", "\\Draft"};

bool same_flag(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    if (end > at) out.emplace_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

bool holds(const std::vector<std::string>& list, std::string_view flag) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& f) { return same_flag(f, flag); });
}

}  // namespace

bool valid_flag(std::string_view flag) {
  if (flag.empty()) return false;
  if (flag[0] == '\\') {
    return std::any_of(kSystemFlags.begin(), kSystemFlags.end(),
                       [&](std::string_view s) { return same_flag(s, flag); });
  }
  return std::all_of(flag.begin(), flag.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
  });
}

std::vector<std::string> flag_words(const std::vector<std::string>& strings) {
  std::vector<std::string> out;
  for (const auto& s : strings) {
    auto w = words(s);
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

std::string add_flags(std::string current, const std::vector<std::string>& strings) {
  auto present = words(current);
  for (const auto& flag : flag_words(strings)) {
    if (!valid_flag(flag) || holds(present, flag)) continue;
    if (!current.empty()) current.push_back(' ');
    current.append(flag);
    present.push_back(flag);
  }
  return current;
}

std::string remove_flags(std::string_view current, const std::vector<std::string>& strings) {
  auto removed = flag_words(strings);
  std::string out;
  for (const auto& flag : words(current)) {
    if (holds(removed, flag)) continue;
    if (!out.empty()) out.push_back(' ');
    out.append(flag);
  }
  return out;
}

std::vector<std::string> action_flags(std::string_view list) {
  std::vector<std::string> out;
  for (auto& flag : words(list)) {
    if (!valid_flag(flag) || holds(out, flag)) continue;
    for (auto system : kSystemFlags) {
      if (same_flag(system, flag)) flag = std::string(system);
    }
    out.push_back(std::move(flag));
  }
  return out;
}

}  // namespace mailroom::sieve
