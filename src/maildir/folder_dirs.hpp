// What a Folder holds open: the folder directory and its tmp/ new/ cur/.
// Shared (shared_ptr) between Folder values and the Deliveries that staged
// files in it, so the descriptors outlive every staged tmp file.
#pragma once

#include <string>

#include "mailroom/maildir/maildir.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::maildir::detail {

struct FolderDirs {
  std::string name;       // "INBOX", "Lists/Work"
  std::string directory;  // "", ".Lists.Work"
  std::string path;       // for messages
  UniqueFd dir, tmp, new_, cur;
};

}  // namespace mailroom::maildir::detail
