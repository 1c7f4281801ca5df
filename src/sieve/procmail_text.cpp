#include <algorithm>
#include <cctype>

#include "sieve/procmail_text.hpp"

namespace mailroom::sieve::procmail {

std::string trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

std::vector<Line> logical_lines(std::string_view rc) {
  std::vector<Line> out;
  std::size_t number = 0;
  std::size_t start = 0;
  std::string pending;
  std::size_t pending_line = 0;
  while (start <= rc.size()) {
    auto end = std::min(rc.find('\n', start), rc.size());
    std::string_view raw = rc.substr(start, end - start);
    ++number;
    start = end + 1;
    if (pending.empty()) pending_line = number;
    std::string_view piece = raw.substr(std::min(raw.size(), raw.find_first_not_of(" \t")));
    if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
    if (!piece.empty() && piece.back() == '\\') {
      pending += piece.substr(0, piece.size() - 1);
      continue;
    }
    pending += piece;
    out.push_back({pending_line, trim(pending)});
    pending.clear();
    if (end == rc.size()) break;
  }
  return out;
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::optional<std::string> literal(std::string_view re) {
  constexpr std::string_view kMeta = ".[]()*+?{}|^$\\";
  std::string out;
  for (std::size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\' && i + 1 < re.size() && kMeta.find(re[i + 1]) != std::string_view::npos) {
      out.push_back(re[++i]);
      continue;
    }
    if (kMeta.find(re[i]) != std::string_view::npos) return std::nullopt;
    out.push_back(re[i]);
  }
  return out;
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::size_t s = 0;
  while (s < line.size()) {
    auto b = line.find_first_not_of(" \t", s);
    if (b == std::string_view::npos) break;
    auto e = std::min(line.find_first_of(" \t", b), line.size());
    out.emplace_back(line.substr(b, e - b));
    s = e;
  }
  return out;
}

}  // namespace mailroom::sieve::procmail
