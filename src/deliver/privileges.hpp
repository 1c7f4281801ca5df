// Become the mail's owner before touching any of its files.
#pragma once

#include "deliver/users.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// As root: drop supplementary groups, then gid, then uid (real, effective
// and saved), and check that root cannot be regained. As another user: the
// process must already run as the target uid. Never delivers as uid 0, nor
// as gid 0 unless `allow_gid_0` (users.allow_gid_0): files of group root in
// a Maildir let whoever controls that user reach root's group.
[[nodiscard]] Status become_user(const MailUser& user, bool allow_gid_0 = false);

}  // namespace mailroom::deliver
