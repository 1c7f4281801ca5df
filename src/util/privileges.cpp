#include "mailroom/util/privileges.hpp"

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace mailroom {

Status become_ids(std::string_view who, uid_t uid, gid_t gid, bool allow_gid_0) {
  const std::string name(who);
  if (uid == 0)
    return fail(ErrorKind::temporary,
                "refusing to run as root for user " + name +
                    ": mail files must belong to the user (alias root's mail to a real user)");
  if (gid == 0 && !allow_gid_0)
    return fail(ErrorKind::temporary,
                "refusing to run as group root (gid 0) for user " + name +
                    ": give the user another group, or set users.allow_gid_0 = true");
  // One system call for the three: a session of mailroom lmtp asks again
  // for every message it delivers.
  uid_t real = 0;
  uid_t effective = 0;
  uid_t saved = 0;
  if (::getresuid(&real, &effective, &saved) != 0)
    return fail_errno(ErrorKind::temporary, "getresuid", errno);
  if (effective != 0) {
    if (effective == uid && real == uid) return ok();
    return fail(ErrorKind::temporary, "running as uid " + std::to_string(effective) +
                                          " cannot become " + name + " (uid " +
                                          std::to_string(uid) + "): run as root or as that user");
  }
  // Order matters: groups and gid can only be changed while still root.
  gid_t groups[] = {gid};
  if (::setgroups(1, groups) != 0) return fail_errno(ErrorKind::temporary, "setgroups", errno);
  if (::setresgid(gid, gid, gid) != 0) return fail_errno(ErrorKind::temporary, "setresgid", errno);
  if (::setresuid(uid, uid, uid) != 0) return fail_errno(ErrorKind::temporary, "setresuid", errno);
  // Paranoia after CVEs in setuid handling: regaining root must fail.
  if (::setuid(0) == 0 || ::geteuid() == 0)
    return fail(ErrorKind::internal, "privileges could be regained after dropping them");
  return ok();
}

}  // namespace mailroom
