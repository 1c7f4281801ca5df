// What a Folder holds open: the folder directory and its tmp/ new/ cur/.
// Shared (shared_ptr) between Folder values and the Deliveries that staged
// files in it, so the descriptors outlive every staged tmp file.
#pragma once

#include <atomic>
#include <ctime>
#include <string>

#include "mailroom/maildir/maildir.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::maildir::detail {

struct FolderDirs {
  std::string name;       // "INBOX", "Lists/Work"
  std::string directory;  // "", ".Lists.Work"
  std::string path;       // for messages
  UniqueFd dir, tmp, new_, cur;
  // clean_tmp's stamp as last seen (descriptors held between deliveries,
  // maildir.hpp keep_maildirs_open): at `stamp_seen`, a regular file of
  // mtime `stamp_mtime` (0: not seen so).
  mutable std::atomic<std::time_t> stamp_seen{0};
  mutable std::atomic<std::time_t> stamp_mtime{0};
};

}  // namespace mailroom::maildir::detail
