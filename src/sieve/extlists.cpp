#include "sieve/extlists.hpp"

#include <algorithm>

#include "mailroom/util/file.hpp"

namespace mailroom::sieve {
namespace {

constexpr std::size_t kMaxListFile = std::size_t{1} << 20;

bool file_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("._,:@+-=").find(c) != std::string_view::npos;
}

}  // namespace

std::optional<std::string> list_file_name(std::string_view name) {
  if (name == ":addrbook:default") return "default";
  if (name.size() <= 4 || !(name.substr(0, 4) == "tag:" || name.substr(0, 4) == "TAG:"))
    return std::nullopt;
  std::string_view rest = name.substr(4);
  if (rest.size() > 255 || rest.front() == '.' ||
      !std::all_of(rest.begin(), rest.end(), file_name_char))
    return std::nullopt;
  return std::string(rest);
}

std::optional<std::vector<std::string>> read_list(const std::string& directory,
                                                  std::string_view name) {
  auto file = list_file_name(name);
  if (!file || directory.empty()) return std::nullopt;
  auto text = read_whole_file(directory + "/" + *file, kMaxListFile, ErrorKind::parse);
  if (!text) return std::nullopt;
  std::vector<std::string> entries;
  std::string_view rest = *text;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    entries.emplace_back(line);
  }
  return entries;
}

}  // namespace mailroom::sieve
