// Messages already in a folder (`mailroom sieve filter`): listing, reading,
// and moving them without rewriting a byte. A move is link(2) into the
// target, fsync of its directory, then unlink(2) of the source: killed in
// between, the message is in both folders, never in none.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/maildir/maildir.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::maildir {

struct StoredMessage {
  bool in_cur = false;              // cur/ (seen by a reader) or new/
  std::string name;                 // "<unique>[:2,<flags>]"
  std::string_view unique() const;  // the name before ":"
  std::string_view flags() const;   // the letters after ":2,", or ""
};

// The messages of new/ and cur/ (no dot files, no subdirectories), by name.
Result<std::vector<StoredMessage>> list_messages(const Folder& folder);

// The bytes of one message, at most max_bytes (ErrorKind::parse beyond).
Result<std::string> read_message(const Folder& folder, const StoredMessage& message,
                                 std::size_t max_bytes);

// Links `message` of `from` into `to` under the same unique name: in cur/
// with ":2,<flags>" when flags are given or it was in cur/, else in new/;
// flags in Maildir order (normalise_flags). Fsyncs the target directory.
// A file already there under that name that is the same file (a move that
// was interrupted after its link) counts as linked. Returns the new entry.
Result<StoredMessage> link_message(const Folder& from, const StoredMessage& message,
                                   const Folder& to, std::string_view flags);

// Unlinks `message` from `folder` and fsyncs the directory.
Status unlink_message(const Folder& folder, const StoredMessage& message);

}  // namespace mailroom::maildir
