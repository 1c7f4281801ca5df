// sysexits(3) codes the MTA understands, mapped from ErrorKind in ONE place
// (after Dovecot's lda/main.c). Never 1, 70 or 78 for a local problem: MTAs
// bounce on those, and a local problem must make them retry.
#pragma once

#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;     // EX_USAGE: bad command line
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
    case ErrorKind::temporary:
    case ErrorKind::config:
    case ErrorKind::parse:
    case ErrorKind::limit:
    case ErrorKind::internal:
      return kExitTempFail;  // when in doubt, tempfail
  }
  return kExitTempFail;
}

}  // namespace mailroom::deliver
