#include "lmtp/user_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "mailroom/util/config.hpp"
#include "mailroom/util/fields.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::lmtp {
namespace {

constexpr std::size_t kMaxTable = std::size_t{256} << 20;

bool same_time(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

// The first service of the first "passwd:" line (nsswitch.conf(5)); with
// no such line glibc asks files, and so does the lookup
// (util/passwd_files.cpp, plan_from_nsswitch).
std::string_view first_passwd_service(std::string_view text) {
  while (!text.empty()) {
    const auto lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    line = trim_space(line.substr(0, line.find('#')));
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    if (!line.starts_with("passwd")) continue;
    line = trim_space(line.substr(6));
    if (!line.starts_with(':')) continue;
    line = trim_space(line.substr(1));
    return line.substr(0, line.find_first_of(" \t["));
  }
  return "files";
}

// Whether `text` (passwd(5)) has `user`'s line with their uid, gid and home.
bool passwd_says(std::string_view text, const deliver::MailUser& user) {
  while (!text.empty()) {
    const auto lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto fields = split_fields(line, ':');
    if (fields.size() != 7 || fields[0] != user.name) continue;
    uid_t uid = 0;
    gid_t gid = 0;
    return parse_id(fields[2], uid) && parse_id(fields[3], gid) && uid == user.uid &&
           gid == user.gid && fields[5] == user.home;
  }
  return false;
}

}  // namespace

UserTables user_tables(const Config& config) {
  UserTables tables;
  tables.virtual_file = config.users.virtual_file;
  if (config.users.system) {
    tables.nsswitch_conf = "/etc/nsswitch.conf";
    tables.passwd_file = "/etc/passwd";
  }
  return tables;
}

bool UserCache::Stamp::operator==(const Stamp& other) const {
  return error == other.error && device == other.device && inode == other.inode &&
         size == other.size && same_time(modified, other.modified) &&
         same_time(changed, other.changed);
}

std::vector<UserCache::Stamp> UserCache::stamps() const {
  std::vector<Stamp> out;
  for (const std::string* path :
       {&tables_.virtual_file, &tables_.nsswitch_conf, &tables_.passwd_file}) {
    if (path->empty()) continue;
    struct stat st {};
    Stamp stamp;
    if (::stat(path->c_str(), &st) != 0) {
      stamp.error = errno;
    } else {
      stamp = {0, st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
    }
    out.push_back(stamp);
  }
  return out;
}

// A virtual user has no home (deliver/users.cpp); a system user is the
// tables' alone when files answer first and their line says the same.
bool UserCache::decided_by_tables(const deliver::MailUser& user) const {
  if (user.home.empty()) return !tables_.virtual_file.empty();
  if (tables_.passwd_file.empty()) return false;
  auto nsswitch = read_whole_file(tables_.nsswitch_conf, kMaxTable, ErrorKind::temporary);
  if (!nsswitch && nsswitch.error().sys_errno != ENOENT) return false;
  if (nsswitch && first_passwd_service(*nsswitch) != "files") return false;
  auto passwd = read_whole_file(tables_.passwd_file, kMaxTable, ErrorKind::temporary);
  return passwd && passwd_says(*passwd, user);
}

// A table written in the last seconds may be written again within the
// same tick of the file system's clock, in place, to the same size: its
// stamp would not change. Nothing is kept from it until it has been
// quiet for kSettled (git's "racy clean" problem, solved the same way).
bool UserCache::settled(const std::vector<Stamp>& stamps) {
  const std::time_t now = std::time(nullptr);
  return std::all_of(stamps.begin(), stamps.end(), [now](const Stamp& stamp) {
    return stamp.error != 0 || stamp.modified.tv_sec + kSettled.count() <= now;
  });
}

Result<deliver::MailUser> UserCache::find(const std::string& user) {
  // Stamped before the lookup: a table changed while it reads is seen as
  // changed at the next call, and what was kept from it is dropped then.
  auto now = stamps();
  if (now != stamps_) {
    users_.clear();
    stamps_ = std::move(now);
  }
  if (auto kept = users_.find(user); kept != users_.end()) return kept->second;
  auto found = lookup_(user);
  if (found && settled(stamps_) && decided_by_tables(*found)) users_.insert_or_assign(user, *found);
  return found;
}

}  // namespace mailroom::lmtp
