// The system user database without glibc's NSS. `mailroom` is linked
// statically (its start-up is most of a delivery's cost), and a static
// getpwnam() would dlopen() the NSS modules nsswitch.conf names: they must
// come from the very glibc build we linked against, and bring a second libc
// into the process. So: when nsswitch.conf asks "files" first (Debian's
// default, "files systemd"), /etc/passwd is read here, as glibc's files
// module does; any other answer comes from getent(1), a dynamically linked
// program that runs the real NSS stack (LDAP, SSSD, NIS) in its own process.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom {

struct PasswdEntry {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

// Where the lookups read; tests point them elsewhere.
struct PasswdSources {
  std::string nsswitch_conf = "/etc/nsswitch.conf";
  std::string passwd_file = "/etc/passwd";
  std::string getent = "/usr/bin/getent";
};

// Not found -> ErrorKind::no_user; a file that cannot be read or a getent
// that fails for another reason (LDAP down) -> ErrorKind::temporary.
[[nodiscard]] Result<PasswdEntry> find_user_by_name(std::string_view name,
                                                    const PasswdSources& sources = {});
[[nodiscard]] Result<PasswdEntry> find_user_by_uid(uid_t uid, const PasswdSources& sources = {});

// How nsswitch.conf's "passwd:" line is followed (nsswitch.conf(5)).
struct PasswdPlan {
  bool files_first = true;          // /etc/passwd is asked before anything else
  bool ask_getent_on_miss = false;  // other services follow a miss in files
};
[[nodiscard]] PasswdPlan plan_from_nsswitch(std::string_view nsswitch_text);

// One /etc/passwd line (passwd(5)); an error for comments, NIS "+"/"-"
// entries and malformed lines.
[[nodiscard]] Result<PasswdEntry> parse_passwd_line(std::string_view line);

}  // namespace mailroom
