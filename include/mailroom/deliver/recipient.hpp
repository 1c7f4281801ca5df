// For servers that deliver many messages (`mailroom lmtp`): whether a
// recipient exists, asked before the message is taken (RFC 2033 §4.2:
// RCPT TO is refused at once for an unknown user).
#pragma once

#include <sys/types.h>

#include <string>

#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// ok when `user` names a mailbox deliver() would write to; ErrorKind::no_user
// when it does not; ErrorKind::temporary when the lookup failed (passwd
// service or users file unreadable). Reads only the user tables.
[[nodiscard]] Status find_recipient(const std::string& user, const Config& config) noexcept;

// The uid and gid deliver() runs as for `user`; errors as find_recipient.
struct RecipientIds {
  uid_t uid = 0;
  gid_t gid = 0;
};
[[nodiscard]] Result<RecipientIds> recipient_ids(const std::string& user,
                                                 const Config& config) noexcept;

}  // namespace mailroom::deliver
