#include "deliver/users.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "mailroom/util/fields.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/passwd.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::deliver {

namespace {

Result<MailUser> from_passwd(const PasswdEntry& pw, const UsersConfig& config) {
  MailUser user;
  user.name = pw.name;
  user.uid = pw.uid;
  user.gid = pw.gid;
  user.home = pw.home;
  if (user.home.empty() || user.home[0] != '/')
    return fail(ErrorKind::temporary, "user " + user.name + " has no absolute home directory");
  user.maildir = expand_user_path(config.maildir, user.home, user.name);
  return user;
}

// "No such user" bounces; a lookup that failed (LDAP down) is retried.
Result<MailUser> lookup_system(const std::string& name, const UsersConfig& config) {
  auto entry = find_user_by_name(name);
  if (!entry) return tl::unexpected(entry.error());
  return from_passwd(*entry, config);
}

// A configured name matches the one asked for when the local parts are
// equal and the domains equal in any case: RFC 5321 §2.4 makes domains
// case-insensitive and leaves the local part to the receiving host, which
// keeps it as configured.
bool same_user_name(std::string_view configured, std::string_view asked) {
  if (configured.size() != asked.size()) return false;
  const auto at = configured.rfind('@');
  if (at == std::string_view::npos || asked.rfind('@') != at) return configured == asked;
  return configured.substr(0, at) == asked.substr(0, at) &&
         iequals(configured.substr(at), asked.substr(at));
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
    if (!same_user_name(line.substr(0, line.find(':')), name)) continue;
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
  auto fields = split_fields(line, ':');
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
  user.maildir = expand_user_path(config.maildir, user.home, user.name);
  return user;
}

Result<MailUser> current_user(const UsersConfig& config) {
  if (auto user = user_from_environment(config)) return *user;
  auto entry = find_user_by_uid(::getuid());
  if (!entry) {
    // Our own uid without a passwd entry is a setup error, not a bounce.
    if (entry.error().kind != ErrorKind::no_user) return tl::unexpected(entry.error());
    return fail(ErrorKind::temporary, "no passwd entry for uid " + std::to_string(::getuid()));
  }
  return from_passwd(*entry, config);
}

}  // namespace mailroom::deliver
