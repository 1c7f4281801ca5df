// sysexits(3) codes the MTA understands, mapped from ErrorKind in ONE place
// (after Dovecot's lda/main.c), and beside them the RFC 3463 enhanced status
// code printed at the start of the output (Postfix's local(8) and pipe(8)
// take one from there for the DSN). Never 1, 70 or 78 for a local problem:
// MTAs bounce on those, and a local problem must make them retry.
#pragma once

#include <cerrno>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;     // EX_USAGE: bad command line
inline constexpr int kExitDataErr = 65;   // EX_DATAERR: the input is not a message (empty)
inline constexpr int kExitNoUser = 67;    // EX_NOUSER: no such user
inline constexpr int kExitTempFail = 75;  // EX_TEMPFAIL: keep it queued, retry later
inline constexpr int kExitNoPerm = 77;    // EX_NOPERM: rejected by policy

[[nodiscard]] constexpr int exit_code_for(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::no_user:
      return kExitNoUser;
    case ErrorKind::rejected:
      return kExitNoPerm;
    case ErrorKind::usage:
      return kExitUsage;
    case ErrorKind::data:
      return kExitDataErr;
    case ErrorKind::temporary:
    case ErrorKind::config:
    case ErrorKind::parse:
    case ErrorKind::limit:
    case ErrorKind::internal:
      return kExitTempFail;  // when in doubt, tempfail
  }
  return kExitTempFail;
}

// The errno a stage attaches to say which policy refused (the kind alone
// does not): EDQUOT over quota, EFBIG too large, ELOOP a mail loop,
// ETIMEDOUT the delivery deadline.
[[nodiscard]] constexpr std::string_view enhanced_status_for(ErrorKind kind,
                                                             int sys_errno = 0) noexcept {
  switch (kind) {
    case ErrorKind::no_user:
      return "5.1.1";  // RFC 3463 §3.2: bad destination mailbox address
    case ErrorKind::usage:
      return "5.5.4";  // §3.6: invalid command arguments
    case ErrorKind::data:
      return "5.6.0";  // §3.7: other or undefined media error
    case ErrorKind::rejected:
      if (sys_errno == EDQUOT) return "5.2.2";  // §3.3: mailbox full
      if (sys_errno == EFBIG) return "5.3.4";   // §3.4: message too big for system
      if (sys_errno == ELOOP) return "5.4.6";   // §3.5: routing loop detected
      return "5.7.1";                           // §3.8: delivery not authorized
    case ErrorKind::config:
      return "4.3.5";  // §3.4: system incorrectly configured
    case ErrorKind::temporary:
      if (sys_errno == EDQUOT) return "4.2.2";
      if (sys_errno == ENOSPC) return "4.3.1";     // §3.4: mail system full
      if (sys_errno == ETIMEDOUT) return "4.4.7";  // §3.5: delivery time expired
      return "4.3.0";
    case ErrorKind::parse:
    case ErrorKind::limit:
    case ErrorKind::internal:
      return "4.3.0";  // §3.4: other or undefined mail system status
  }
  return "4.3.0";
}

}  // namespace mailroom::deliver
