// Who the mail is for: a system user (passwd, ~/Maildir) or a virtual user
// from the file named by users.virtual_file ("name:uid:gid:/path/Maildir").
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "mailroom/deliver/recipient.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/passwd.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// Unknown user -> ErrorKind::no_user; an unreadable users file or passwd
// failure -> ErrorKind::temporary (the MTA retries, it may be transient).
[[nodiscard]] Result<MailUser> resolve_user(const std::string& name, const UsersConfig& config);

// The user this process runs as (no -d). As dovecot-lda does, the MTA's
// $USER (else $LOGNAME) and $HOME say who that is, when HOME is an absolute
// path to a directory the real uid owns; otherwise the passwd entry of the
// real uid. The environment saves an NSS lookup per delivery (nsswitch.conf,
// nscd probes, /etc/passwd) and can grant nothing: the process already runs
// as that uid.
[[nodiscard]] Result<MailUser> current_user(const UsersConfig& config);

// The environment half of current_user(); nullopt when it does not say.
[[nodiscard]] std::optional<MailUser> user_from_environment(const UsersConfig& config);

// Parses one line of the virtual users file; nullopt-like error for a
// malformed line (the message names what is wrong).
[[nodiscard]] Result<MailUser> parse_virtual_user_line(std::string_view line);

}  // namespace mailroom::deliver
