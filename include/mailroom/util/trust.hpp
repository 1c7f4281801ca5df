// StrictModes, as OpenSSH calls it: a file that tells root what to do (the
// configuration, the virtual users table, a global rules directory) must be
// writable by root alone, and so must every directory above it, or whoever
// can write there can make root deliver as any uid into any path.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom {

// Checks `path` (symbolic links resolved) and each directory above it up
// to /: each must be owned by root (or by `also_trusted`, when not root) and
// writable by neither group nor others. A sticky world-writable directory
// such as /tmp does not count as safe: anyone may create the file there
// first. `what` names the file in the message ("configuration file"). The
// error (ErrorKind::config) names the offending path and the fix.
[[nodiscard]] Status check_trusted_path(const std::string& path, std::string_view what,
                                        uid_t also_trusted = 0);

// As root (effective uid 0): the file `config` came from and its
// users.virtual_file, checked as above. What they say decides the uid, gid
// and path of every write. Not root: nothing to check (ok).
[[nodiscard]] Status check_trusted_configuration(const Config& config);

// The same for a caller that knows its effective uid already (deliver's
// pipeline, once per message in an LMTP session: one geteuid(2) less).
[[nodiscard]] Status check_trusted_configuration(const Config& config, uid_t effective_uid);

}  // namespace mailroom
