// The system user database. Built dynamically (MAILROOM_STATIC=OFF),
// mailroom asks glibc (getpwnam_r, the real NSS stack: files, LDAP, SSSD).
// The static build cannot: a static getpwnam() would dlopen() the NSS
// modules nsswitch.conf names, which must come from the very glibc build we
// linked against and bring a second libc into the process; there the own
// reader of passwd_files.hpp answers instead.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom {

struct PasswdEntry {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

// Not found -> ErrorKind::no_user; a database that cannot be read or a
// service that fails (LDAP down) -> ErrorKind::temporary.
[[nodiscard]] Result<PasswdEntry> find_user_by_name(std::string_view name);
[[nodiscard]] Result<PasswdEntry> find_user_by_uid(uid_t uid);

// Async-signal-safe, for the delivery watchdog: kills the process group of
// a getent(1) still running for a lookup (static build; a no-op otherwise).
void kill_lookup_helpers_from_signal_handler() noexcept;

// "~/Maildir" -> home + "/Maildir" (a leading "~" only); "%u" -> the user
// name: users.maildir, sieve.script, sieve.log, for deliver and serve alike.
[[nodiscard]] std::string expand_user_path(const std::string& pattern, const std::string& home,
                                           const std::string& name);

}  // namespace mailroom
