// The users a session found at RCPT TO, kept for its later transactions
// while the tables they came from are unchanged. A lookup read
// nsswitch.conf and /etc/passwd whole each time (static glibc: 10 system
// calls a recipient); with the cache it is a stat(2) of each table.
//
// Only what those tables alone decide is kept: a virtual user (from
// users.virtual_file), or a system user whose own line in the passwd file
// says what the lookup found while nsswitch.conf asks "files" first. A
// user from another service (LDAP, SSSD, systemd's dynamic users) is looked
// up afresh every time, and so is every name not found: a user added is
// seen at once. Any change of a table (size, times, inode: an edit or a
// file renamed over it, as useradd and vipw do) drops everything kept, so
// a user removed or changed is seen at the next RCPT TO; nothing is kept
// while a table is younger than two seconds (UserCache::settled).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mailroom/deliver/recipient.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::lmtp {

// The tables a lookup reads, by path ("" for one not used).
struct UserTables {
  std::string virtual_file;  // users.virtual_file
  std::string nsswitch_conf;
  std::string passwd_file;
};

// The tables of `config.users`: the virtual file when set, nsswitch.conf
// and /etc/passwd when system users are looked up.
[[nodiscard]] UserTables user_tables(const Config& config);

class UserCache {
 public:
  using Lookup = std::function<Result<deliver::MailUser>(const std::string& user)>;

  UserCache(UserTables tables, Lookup lookup)
      : tables_(std::move(tables)), lookup_(std::move(lookup)) {}

  // What `lookup` says about `user`, or what it said before while no
  // table changed.
  [[nodiscard]] Result<deliver::MailUser> find(const std::string& user);

 private:
  // What stat(2) says of a table: equal stamps, unchanged file.
  struct Stamp {
    int error = 0;  // errno of stat, 0 when it exists
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    timespec changed{};
    bool operator==(const Stamp& other) const;
  };
  static constexpr std::chrono::seconds kSettled{2};
  [[nodiscard]] std::vector<Stamp> stamps() const;
  [[nodiscard]] static bool settled(const std::vector<Stamp>& stamps);
  [[nodiscard]] bool decided_by_tables(const deliver::MailUser& user) const;

  UserTables tables_;
  Lookup lookup_;
  std::vector<Stamp> stamps_;
  std::map<std::string, deliver::MailUser, std::less<>> users_;
};

}  // namespace mailroom::lmtp
