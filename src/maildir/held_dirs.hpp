// Maildir descriptors kept open between deliveries in a process that
// delivers again and again (mailroom lmtp's per-uid worker; see
// keep_maildirs_open in mailroom/maildir/maildir.hpp). A held Maildir is
// handed out again only while its path still names the very directories
// held: the root's path and tmp/ new/ cur/ inside it are stat'ed and
// compared (device and inode) with what was opened, so a Maildir renamed
// away, replaced or with a subdirectory swapped is opened afresh, and no
// copy goes into a directory that is no longer the user's Maildir.
#pragma once

#include <memory>
#include <string>

#include "maildir/folder_dirs.hpp"

namespace mailroom::maildir::detail {

[[nodiscard]] bool holding_maildirs();

// The held descriptors of `root`, when held and `root` still names them;
// else nullptr (and what was held for `root` is closed).
[[nodiscard]] std::shared_ptr<FolderDirs> held_maildir(const std::string& root);

// Keeps `dirs` (just opened for `root`) for the next delivery, when
// holding. The least recently used beyond a few Maildirs are closed.
void hold_maildir(const std::string& root, const std::shared_ptr<FolderDirs>& dirs);

// The same for a folder of a Maildir (a Sieve fileinto target, Junk):
// `root_fd` is the Maildir's root as just taken or opened, `dirs` the
// folder's, named dirs.directory in it (".Lists"). Checked as opened:
// that name inside `root_fd`, not following a link, and tmp/ new/ cur/
// inside it (four stats instead of five opens, five closes and the
// maildirfolder marker's open).
[[nodiscard]] std::shared_ptr<FolderDirs> held_folder(int root_fd, const std::string& path);
void hold_folder(const std::shared_ptr<FolderDirs>& dirs);

}  // namespace mailroom::maildir::detail
