// For servers that deliver many messages (`mailroom lmtp`): whether a
// recipient exists, asked before the message is taken (RFC 2033 §4.2:
// RCPT TO is refused at once for an unknown user).
#pragma once

#include <sys/types.h>

#include <string>

#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// Whose mail it is: a system user (passwd, ~/Maildir) or a virtual user
// of users.virtual_file ("name:uid:gid:/path/Maildir").
struct MailUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;     // empty for virtual users
  std::string maildir;  // absolute path of the Maildir root
};

// The user deliver() would write to for `user`; ErrorKind::no_user when
// there is none; ErrorKind::temporary when the lookup failed (passwd
// service or users file unreadable). Reads only the user tables. A server
// that looked the user up as root hands the answer to deliver()
// (Request::looked_up) rather than have it look again.
[[nodiscard]] Result<MailUser> find_recipient(const std::string& user,
                                              const Config& config) noexcept;

}  // namespace mailroom::deliver
