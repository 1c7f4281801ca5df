// Dovecot passwd-file parsing (doc.dovecot.org, "Passwd-file"): the fields
// are separated by ':'; uid, gid and home may be empty (then the system
// user of that name supplies them).
#include <charconv>

#include "mailroom/server/passdb.hpp"
#include "mailroom/util/file.hpp"

namespace mailroom::server {
namespace {

constexpr std::size_t kMaxPasswdFile = std::size_t{64} << 20;

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    auto colon = line.find(':');
    fields.push_back(line.substr(0, colon));
    if (colon == std::string_view::npos) return fields;
    line.remove_prefix(colon + 1);
  }
}

template <class Id>
bool parse_id(std::string_view text, std::optional<Id>& out) {
  if (text.empty()) return true;
  unsigned long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > 0xfffffffeUL) return false;
  out = static_cast<Id>(value);
  return true;
}

Result<PassdbEntry> parse_line(std::string_view line) {
  auto fields = split_fields(line);
  if (fields.size() < 2 || fields[0].empty())
    return fail(ErrorKind::config, "expected user:password:...");
  PassdbEntry entry;
  entry.name = std::string(fields[0]);
  entry.password = std::string(fields[1]);
  if (fields.size() > 2 && !parse_id(fields[2], entry.uid))
    return fail(ErrorKind::config, "bad uid");
  if (fields.size() > 3 && !parse_id(fields[3], entry.gid))
    return fail(ErrorKind::config, "bad gid");
  if (fields.size() > 5) entry.home = std::string(fields[5]);
  return entry;
}

}  // namespace

Result<std::vector<PassdbEntry>> parse_passwd_file(std::string_view text) {
  std::vector<PassdbEntry> entries;
  std::size_t number = 0;
  while (!text.empty()) {
    auto lf = text.find('\n');
    auto line = text.substr(0, lf);
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto entry = parse_line(line);
    if (!entry)
      return fail(ErrorKind::config,
                  "line " + std::to_string(number) + ": " + entry.error().message);
    entries.push_back(std::move(*entry));
  }
  return entries;
}

Result<PassdbEntry> find_passdb_user(const std::string& path, std::string_view user) {
  auto text = read_whole_file(path, kMaxPasswdFile, ErrorKind::temporary);
  if (!text) return tl::unexpected(text.error());
  auto entries = parse_passwd_file(*text);
  if (!entries) return fail(ErrorKind::temporary, path + ": " + entries.error().message);
  for (auto& entry : *entries)
    if (entry.name == user) return std::move(entry);
  return fail(ErrorKind::no_user, "no user '" + std::string(user) + "' in " + path);
}

}  // namespace mailroom::server
