#include "deliver/privileges.hpp"

#include <grp.h>
#include <unistd.h>

#include <cerrno>

namespace mailroom::deliver {

Status become_user(const MailUser& user, bool allow_gid_0) {
  if (user.uid == 0)
    return fail(ErrorKind::temporary,
                "refusing to deliver as root for user " + user.name +
                    ": mail files must belong to the user (alias root's mail to a real user)");
  if (user.gid == 0 && !allow_gid_0)
    return fail(ErrorKind::temporary,
                "refusing to deliver as group root (gid 0) for user " + user.name +
                    ": give the user another group, or set users.allow_gid_0 = true");
  if (::geteuid() != 0) {
    if (::geteuid() == user.uid && ::getuid() == user.uid) return ok();
    return fail(ErrorKind::temporary, "running as uid " + std::to_string(::geteuid()) +
                                          " cannot deliver for " + user.name + " (uid " +
                                          std::to_string(user.uid) +
                                          "): run as root or as that user");
  }
  // Order matters: groups and gid can only be changed while still root.
  gid_t groups[] = {user.gid};
  if (::setgroups(1, groups) != 0) return fail_errno(ErrorKind::temporary, "setgroups", errno);
  if (::setresgid(user.gid, user.gid, user.gid) != 0)
    return fail_errno(ErrorKind::temporary, "setresgid", errno);
  if (::setresuid(user.uid, user.uid, user.uid) != 0)
    return fail_errno(ErrorKind::temporary, "setresuid", errno);
  // Paranoia after CVEs in setuid handling: regaining root must fail.
  if (::setuid(0) == 0 || ::geteuid() == 0)
    return fail(ErrorKind::internal, "privileges could be regained after dropping them");
  return ok();
}

}  // namespace mailroom::deliver
