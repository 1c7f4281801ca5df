#include "deliver/users.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "mailroom/util/file.hpp"

namespace mailroom::deliver {
namespace {

std::vector<std::string_view> split_colons(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    auto colon = line.find(':', start);
    fields.push_back(line.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return fields;
}

template <class Id>
bool parse_id(std::string_view text, Id& out) {
  unsigned long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return false;
  out = static_cast<Id>(value);
  return static_cast<unsigned long>(out) == value;
}

// "~/Maildir" -> home + "/Maildir"; "%u" -> the user name.
std::string expand_maildir(const std::string& pattern, const std::string& home,
                           const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (i == 0 && pattern[i] == '~') {
      out += home;
    } else if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'u') {
      out += name;
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

Result<MailUser> from_passwd(const passwd& pw, const UsersConfig& config) {
  MailUser user;
  user.name = pw.pw_name;
  user.uid = pw.pw_uid;
  user.gid = pw.pw_gid;
  user.home = pw.pw_dir != nullptr ? pw.pw_dir : "";
  if (user.home.empty() || user.home[0] != '/')
    return fail(ErrorKind::temporary, "user " + user.name + " has no absolute home directory");
  user.maildir = expand_maildir(config.maildir, user.home, user.name);
  return user;
}

// getpwnam_r distinguishes "no such user" (result null, rc 0 or ENOENT) from
// a failing lookup (NIS/LDAP down): only the first may bounce.
Result<MailUser> lookup_system(const std::string& name, const UsersConfig& config) {
  auto entry = detail::lookup_passwd([&](passwd* pw, char* buf, std::size_t size, passwd** found) {
    return ::getpwnam_r(name.c_str(), pw, buf, size, found);
  });
  if (entry.found) return from_passwd(entry.pw, config);
  const int rc = entry.rc;
  if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM)
    return fail(ErrorKind::no_user, "no such user: " + name);
  return fail_errno(ErrorKind::temporary, "looking up user " + name, rc);
}

// The table is read whole with read(2) (no iostreams: see util/file.hpp).
constexpr std::size_t kMaxUsersFile = std::size_t{256} << 20;

Result<MailUser> lookup_virtual(const std::string& name, const std::string& path) {
  auto text = read_whole_file(path, kMaxUsersFile, ErrorKind::temporary);
  if (!text) return fail(ErrorKind::temporary, "users file: " + text.error().message);
  std::string_view rest = *text;
  for (int number = 1; !rest.empty(); ++number) {
    auto lf = rest.find('\n');
    std::string_view line = rest.substr(0, lf);
    rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
    if (line.empty() || line[0] == '#') continue;
    if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ':') continue;
    auto user = parse_virtual_user_line(line);
    if (!user)
      return fail(ErrorKind::config,
                  path + ":" + std::to_string(number) + ": " + user.error().message);
    return user;
  }
  return fail(ErrorKind::no_user, "no such user: " + name);
}

}  // namespace

Result<MailUser> parse_virtual_user_line(std::string_view line) {
  auto fields = split_colons(line);
  if (fields.size() != 4) return fail(ErrorKind::config, "expected name:uid:gid:/path/to/Maildir");
  MailUser user;
  user.name = std::string(fields[0]);
  if (user.name.empty()) return fail(ErrorKind::config, "empty user name");
  if (!parse_id(fields[1], user.uid)) return fail(ErrorKind::config, "bad uid");
  if (!parse_id(fields[2], user.gid)) return fail(ErrorKind::config, "bad gid");
  user.maildir = std::string(fields[3]);
  if (user.maildir.empty() || user.maildir[0] != '/')
    return fail(ErrorKind::config, "Maildir path must be absolute");
  return user;
}

Result<MailUser> resolve_user(const std::string& name, const UsersConfig& config) {
  if (name.empty() || name.find_first_of(":/\n") != std::string::npos)
    return fail(ErrorKind::no_user, "invalid user name: " + name);
  if (!config.virtual_file.empty()) {
    auto user = lookup_virtual(name, config.virtual_file);
    if (user || user.error().kind != ErrorKind::no_user || !config.system) return user;
  }
  if (!config.system) return fail(ErrorKind::no_user, "no such user: " + name);
  return lookup_system(name, config);
}

std::optional<MailUser> user_from_environment(const UsersConfig& config) {
  const char* name = std::getenv("USER");  // NOLINT(concurrency-mt-unsafe): one thread
  if (name == nullptr || *name == '\0')
    name = std::getenv("LOGNAME");         // NOLINT(concurrency-mt-unsafe)
  const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe)
  if (name == nullptr || *name == '\0' || home == nullptr || home[0] != '/') return std::nullopt;
  // The same names -d refuses: "%u" in users.maildir must not climb out.
  if (std::string_view(name).find_first_of(":/\n") != std::string_view::npos) return std::nullopt;
  struct stat st {};
  if (::stat(home, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid())
    return std::nullopt;
  MailUser user;
  user.name = name;
  user.uid = ::getuid();
  user.gid = ::getgid();
  user.home = home;
  user.maildir = expand_maildir(config.maildir, user.home, user.name);
  return user;
}

Result<MailUser> current_user(const UsersConfig& config) {
  if (auto user = user_from_environment(config)) return *user;
  const uid_t uid = ::getuid();
  auto entry = detail::lookup_passwd([&](passwd* pw, char* buf, std::size_t size, passwd** found) {
    return ::getpwuid_r(uid, pw, buf, size, found);
  });
  if (!entry.found)
    return fail_errno(ErrorKind::temporary, "no passwd entry for uid " + std::to_string(uid),
                      entry.rc == 0 ? ENOENT : entry.rc);
  return from_passwd(entry.pw, config);
}

}  // namespace mailroom::deliver
