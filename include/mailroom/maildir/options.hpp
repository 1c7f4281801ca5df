// How a Maildir is opened and written. The delivery pipeline fills this from
// mailroom.toml; tests turn fsync off for speed.
#pragma once

#include <sys/types.h>

#include <string>

namespace mailroom::maildir {

struct Options {
  bool fsync = true;  // fsync file and directories (off only for benchmarks/tests)
  std::string
      hostname;  // for unique names; sanitised ('/' -> \057, ':' -> \072); empty = gethostname()
  bool create = true;     // create missing Maildir root (tmp/new/cur) and folders
  bool subscribe = true;  // add created folders to the subscriptions file(s)
  mode_t dir_mode = 0700;
  mode_t file_mode = 0600;
  int max_name_attempts = 8;  // EEXIST retries with a new unique name
  // Maildir++ quota used when the Maildir has no maildirsize file, e.g.
  // "1000000S,1000C" (bytes, messages). Empty = no quota. An existing
  // maildirsize always wins: it is the user's own definition.
  std::string default_quota;
  // Over quota: false = temporary failure (the MTA retries; exit 75),
  // true = ErrorKind::rejected (the MTA bounces).
  bool over_quota_rejects = false;
  // How long to wait for another process's subscriptions.lock before giving
  // up on the subscription (the folder is still created and delivered to).
  int lock_timeout_ms = 5000;
  // Keywords a delivery stores that the folder's dovecot-keywords does not
  // name yet are added to it (Folder::add_keywords), so Dovecot shows them.
  bool add_keywords = true;
};

}  // namespace mailroom::maildir
