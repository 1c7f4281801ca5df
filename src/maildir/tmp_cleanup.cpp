// Removing abandoned files from tmp/ (see clean_tmp in maildir.hpp).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "maildir/folder_dirs.hpp"
#include "maildir/sys_error.hpp"
#include "mailroom/maildir/maildir.hpp"

namespace mailroom::maildir {
namespace {

// Beside tmp/, not in it: tmp/ holds only what is being delivered, and
// tools (and tests) rightly expect it empty between deliveries.
constexpr const char* kStamp = "mailroom-tmp-cleaned";

time_t last_touched(const struct stat& st) {
  return std::max({st.st_atime, st.st_mtime, st.st_ctime});
}

// Whether a stamp of mtime `stamp` says no scan is due at `now`: not
// older than `every`, nor in the future (a clock set back).
bool fresh(time_t stamp, time_t now, long long every) {
  return stamp + every > now && stamp <= now + 60;
}

// True when this delivery should scan: the stamp is missing or old (or in
// the future). The stamp is renewed first, so concurrent deliveries do not
// all scan. A stamp seen fresh is remembered in `dirs` and asked again
// once it would be due (one stat less a message where the folder's
// descriptors are held; a clock set back asks again).
bool due(const detail::FolderDirs& dirs, time_t now, long long every) {
  const time_t seen = dirs.stamp_seen.load();
  const time_t remembered = dirs.stamp_mtime.load();
  if (remembered != 0 && seen <= now && fresh(remembered, now, every)) return false;
  const int dirfd = dirs.dir.get();
  struct stat st {};
  if (::fstatat(dirfd, kStamp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
      fresh(st.st_mtime, now, every)) {
    dirs.stamp_mtime.store(st.st_mtime);
    dirs.stamp_seen.store(now);
    return false;
  }
  dirs.stamp_mtime.store(0);
  (void)::unlinkat(dirfd, kStamp, 0);  // whatever it was, even a FIFO
  const int fd = detail::open_regular_at(dirfd, kStamp, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return false;  // another delivery renewed it just now
  ::close(fd);
  return true;
}

}  // namespace

std::size_t clean_tmp(const Folder& folder, const TmpCleanup& policy) {
  const int tmpfd = folder.dirs()->tmp.get();
  const time_t now = ::time(nullptr);
  if (!due(*folder.dirs(), now, policy.every_seconds)) return 0;
  const int fd = ::openat(tmpfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 0;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return 0;
  }
  std::size_t removed = 0;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode))
      continue;
    if (last_touched(st) + policy.older_than_seconds >= now) continue;
    if (::unlinkat(fd, entry->d_name, 0) == 0) ++removed;
  }
  ::closedir(dir);
  return removed;
}

}  // namespace mailroom::maildir
