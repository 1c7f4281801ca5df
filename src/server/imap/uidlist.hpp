// Stable UIDs (RFC 3501 section 2.3.1.1) for a Maildir++ folder, kept in
// mailroom's own file "mailroom-uidlist" in the folder directory: never
// Dovecot's dovecot-uidlist or Courier's courierimapuiddb, so either server
// can serve the same Maildir at the same time. The file:
//
//   mailroom-uidlist 1 <uidvalidity> <uidnext>
//   <uid> <unique name>          (one line per message, ascending uids)
//
// The unique name is the file name before ":2," (delivery makes it unique,
// and flag changes keep it), so a message keeps its UID when its flags
// change or it moves from new/ to cur/. A message delivered meanwhile gets
// the next UID at the next sync. Syncs hold an flock on
// "mailroom-uidlist.lock" and replace the file by rename, so concurrent
// sessions agree and a crash leaves the old or the new list, never half.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::server::imap {

struct UidEntry {
  std::uint32_t uid = 0;
  std::string unique;
};

struct UidList {
  std::uint32_t validity = 0;
  std::uint32_t next = 1;
  std::vector<UidEntry> entries;  // ascending uid
};

// nullopt-like failure (ErrorKind::parse) for anything but a well-formed
// file: the caller starts a new list with a new UIDVALIDITY.
[[nodiscard]] Result<UidList> parse_uidlist(std::string_view text);
[[nodiscard]] std::string format_uidlist(const UidList& list);

// Brings `list` up to date with the unique names now in the folder:
// entries whose message is gone are dropped, names not listed get the next
// UIDs in delivery order (the seconds that start a Maildir unique name,
// then the name). Returns whether anything changed.
bool merge_uidlist(UidList& list, std::vector<std::string> present);

// Delivery order of two unique names ("1733581234.M1P2Q3.host").
[[nodiscard]] bool delivered_before(std::string_view a, std::string_view b);

// A message file of new/ or cur/.
struct MaildirFile {
  bool in_cur = false;
  std::string name;  // "<unique>[:2,<flags>]"
  [[nodiscard]] std::string_view unique() const;
  [[nodiscard]] std::string_view flags() const;  // after ":2,", or ""
};

// The message files of new/ and cur/ of the folder directory `dirfd`
// (dot files, subdirectories and symlinks skipped).
[[nodiscard]] Result<std::vector<MaildirFile>> scan_maildir(int dirfd);

// The whole sync: lock, read the list, scan new/ and cur/, merge, write it
// back if it changed. A listed message the scan missed (a rename racing
// readdir) is looked for in a second scan before its UID is dropped.
// `fresh_validity` is used when there is no valid list yet (the time).
struct Synced {
  UidList list;
  std::vector<MaildirFile> files;
};
[[nodiscard]] Result<Synced> sync_uidlist(int dirfd, std::uint32_t fresh_validity);

}  // namespace mailroom::server::imap
