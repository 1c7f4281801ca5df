// Becoming a mail user for good: `deliver` before it touches a Maildir,
// `serve` in each login and session process.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom {

// uid 0 is always refused, gid 0 unless `allow_gid_0` (users.allow_gid_0):
// mail files of group root let whoever controls that account reach root's
// group. As root: drops supplementary groups, then gid, then uid (real,
// effective and saved), then checks that root cannot be regained. As
// another user: the process must already run as `uid`. `who` names the
// account in the messages. Errors are temporary: the MTA retries.
[[nodiscard]] Status become_ids(std::string_view who, uid_t uid, gid_t gid, bool allow_gid_0);

}  // namespace mailroom
