// The mailboxes of one user as IMAP names them (RFC 3501 section 5.1):
// the Maildir++ folders of the Maildir, hierarchy separator ".", names in
// modified UTF-7 on the wire (section 5.1.3), exactly as the folder
// directories spell them (".Lists.Work" is "Lists.Work"). Every name from a
// client goes through the maildir module's folder-name validation
// (folder_name.hpp), so none reaches outside the Maildir; every listed
// directory is opened without following symbolic links.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/maildir/folder_name.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::server::imap {

constexpr char kSeparator = '.';

// A client's mailbox name (modified UTF-7) as a folder. "INBOX" in any case
// is the INBOX; '/' is refused (the separator is '.', and a name has one
// spelling). ErrorKind::parse with words for the NO.
[[nodiscard]] Result<maildir::FolderName> folder_from_wire(std::string_view wire);

// The wire name of a folder: "INBOX" or "Lists.Work" (modified UTF-7).
[[nodiscard]] std::string wire_name(const maildir::FolderName& folder);

// The folders that exist now (INBOX first), from the directories of the
// Maildir root `rootfd`; directories whose name is no valid folder name,
// and symbolic links, are skipped.
[[nodiscard]] Result<std::vector<maildir::FolderName>> list_folders(int rootfd);

// Opens the directory of a folder (the root for INBOX), no symlinks.
[[nodiscard]] Result<UniqueFd> open_folder_dir(int rootfd, const maildir::FolderName& folder);

// LIST patterns (RFC 3501 section 6.3.8): '*' matches anything, '%'
// anything but the separator; "INBOX" matches in any case.
[[nodiscard]] bool pattern_matches(std::string_view pattern, std::string_view name);

// The subscribed wire names from Dovecot's "subscriptions" file (version 1
// or 2), absent file: none.
[[nodiscard]] std::vector<std::string> read_subscriptions(int rootfd);

// Removes a folder directory and what it holds (its cur/ new/ tmp/ and
// state files); first renamed out of sight, so a half-deleted folder is
// never listed.
[[nodiscard]] Status remove_folder(int rootfd, const maildir::FolderName& folder);

}  // namespace mailroom::server::imap
