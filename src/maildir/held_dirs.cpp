#include "maildir/held_dirs.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <vector>

#include "mailroom/maildir/maildir.hpp"

namespace mailroom::maildir {
namespace detail {
namespace {

// Enough for the users of one uid a session delivers to one after the
// other and their folders Sieve files into; each holds four descriptors.
constexpr std::size_t kMaxHeld = 16;

struct Identity {
  dev_t dev = 0;
  ino_t ino = 0;
};

struct Held {
  std::string root;  // a Maildir's path, or a folder's (root + "/" + directory)
  bool folder = false;
  std::shared_ptr<FolderDirs> dirs;
  std::array<Identity, 4> ids;  // root, tmp, new, cur as opened
};

std::atomic<bool> g_holding{false};
std::mutex g_mutex;
std::vector<Held> g_held;  // least recently used first

bool identify(int fd, Identity& id) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  id = {st.st_dev, st.st_ino};
  return true;
}

// Whether dirfd/name is the directory `id` (no inode number is reused
// while we hold the old directory open, so equal means the same one).
bool names(int dirfd, const char* name, const Identity& id, int flags) {
  struct stat st {};
  return ::fstatat(dirfd, name, &st, flags) == 0 && S_ISDIR(st.st_mode) && st.st_dev == id.dev &&
         st.st_ino == id.ino;
}

// The root as Maildir::open resolves it (following links, as open(2)
// did), or a folder's directory inside `root_fd` without following a
// link (as Maildir::open_folder opens it), then tmp/ new/ cur/ by name
// inside it, never following a link (as they were opened).
bool still_named(const Held& held, int root_fd) {
  const int dir = held.dirs->dir.get();
  const bool top =
      held.folder ? names(root_fd, held.dirs->directory.c_str(), held.ids[0], AT_SYMLINK_NOFOLLOW)
                  : names(AT_FDCWD, held.root.c_str(), held.ids[0], 0);
  return top && names(dir, "tmp", held.ids[1], AT_SYMLINK_NOFOLLOW) &&
         names(dir, "new", held.ids[2], AT_SYMLINK_NOFOLLOW) &&
         names(dir, "cur", held.ids[3], AT_SYMLINK_NOFOLLOW);
}

}  // namespace

bool holding_maildirs() { return g_holding.load(std::memory_order_relaxed); }

namespace {

std::shared_ptr<FolderDirs> take_held(const std::string& root, bool folder, int root_fd) {
  if (!holding_maildirs()) return nullptr;
  std::lock_guard lock(g_mutex);
  auto it = std::find_if(g_held.begin(), g_held.end(), [&](const Held& held) {
    return held.root == root && held.folder == folder;
  });
  if (it == g_held.end()) return nullptr;
  if (!still_named(*it, root_fd)) {
    g_held.erase(it);  // its descriptors close once no Delivery uses them
    return nullptr;
  }
  std::rotate(it, it + 1, g_held.end());  // most recently used last
  return g_held.back().dirs;
}

void keep_held(const std::string& root, bool folder, const std::shared_ptr<FolderDirs>& dirs) {
  if (!holding_maildirs()) return;
  Held held{root, folder, dirs, {}};
  const int fds[] = {dirs->dir.get(), dirs->tmp.get(), dirs->new_.get(), dirs->cur.get()};
  for (std::size_t i = 0; i < held.ids.size(); ++i)
    if (!identify(fds[i], held.ids[i])) return;  // not held: opened afresh next time
  std::lock_guard lock(g_mutex);
  std::erase_if(g_held, [&](const Held& old) { return old.root == root && old.folder == folder; });
  if (g_held.size() >= kMaxHeld) g_held.erase(g_held.begin());
  g_held.push_back(std::move(held));
}

}  // namespace

std::shared_ptr<FolderDirs> held_maildir(const std::string& root) {
  return take_held(root, false, AT_FDCWD);
}

void hold_maildir(const std::string& root, const std::shared_ptr<FolderDirs>& dirs) {
  keep_held(root, false, dirs);
}

std::shared_ptr<FolderDirs> held_folder(int root_fd, const std::string& path) {
  return take_held(path, true, root_fd);
}

void hold_folder(const std::shared_ptr<FolderDirs>& dirs) { keep_held(dirs->path, true, dirs); }

}  // namespace detail

void keep_maildirs_open(bool keep) {
  detail::g_holding.store(keep, std::memory_order_relaxed);
  if (keep) return;
  std::lock_guard lock(detail::g_mutex);
  detail::g_held.clear();
}

}  // namespace mailroom::maildir
