#include "maildir/dotlock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "maildir/file_io.hpp"
#include "maildir/sys_error.hpp"

namespace mailroom::maildir::detail {
namespace {

time_t last_change(const struct stat& st) { return std::max(st.st_mtime, st.st_ctime); }

// True if the lock was stale and we removed it.
bool override_if_stale(int dirfd, const std::string& name, const std::string& lock_name,
                       int stale_seconds) {
  struct stat lock_st {};
  if (::fstatat(dirfd, lock_name.c_str(), &lock_st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT;  // released meanwhile: just try again
  }
  time_t changed = last_change(lock_st);
  struct stat file_st {};
  if (::fstatat(dirfd, name.c_str(), &file_st, AT_SYMLINK_NOFOLLOW) == 0) {
    changed = std::max(changed, last_change(file_st));
  }
  if (::time(nullptr) <= changed + stale_seconds) return false;
  // Re-check it is still the same lock right before removing it, as Dovecot
  // does, so a lock taken meanwhile by someone else survives.
  struct stat again {};
  if (::fstatat(dirfd, lock_name.c_str(), &again, AT_SYMLINK_NOFOLLOW) != 0) return true;
  if (again.st_ino != lock_st.st_ino || again.st_mtime != lock_st.st_mtime) return false;
  return ::unlinkat(dirfd, lock_name.c_str(), 0) == 0 || errno == ENOENT;
}

}  // namespace

Dotlock::Dotlock(int dirfd, std::string name, std::string dir_path, UniqueFd fd)
    : dirfd_(dirfd),
      name_(std::move(name)),
      dir_path_(std::move(dir_path)),
      fd_(std::move(fd)),
      held_(true) {}

Dotlock::Dotlock(Dotlock&& other) noexcept
    : dirfd_(other.dirfd_),
      name_(std::move(other.name_)),
      dir_path_(std::move(other.dir_path_)),
      fd_(std::move(other.fd_)),
      held_(std::exchange(other.held_, false)) {}

Dotlock::~Dotlock() {
  if (held_) (void)::unlinkat(dirfd_, (name_ + ".lock").c_str(), 0);
}

Result<Dotlock> Dotlock::acquire(int dirfd, const std::string& name, const std::string& dir_path,
                                 const DotlockSettings& settings) {
  const std::string lock_name = name + ".lock";
  std::string lock_path = dir_path;
  lock_path += '/';
  lock_path += lock_name;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(settings.timeout_ms);
  std::minstd_rand jitter(static_cast<unsigned>(::getpid()));
  for (;;) {
    const int fd = ::openat(dirfd, lock_name.c_str(),
                            O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, settings.mode);
    if (fd >= 0) return Dotlock(dirfd, name, dir_path, UniqueFd(fd));
    if (errno != EEXIST) return io_error("cannot create lock", lock_path, errno);
    if (override_if_stale(dirfd, name, lock_name, settings.stale_seconds)) continue;
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(ErrorKind::temporary,
                  "timed out waiting for lock " + lock_path +
                      " (another process holds it; it is considered stale after " +
                      std::to_string(settings.stale_seconds) + " s without change)");
    }
    // 100-200 ms, randomised so that waiters do not retry in lock step.
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + jitter() % 100));
  }
}

Status Dotlock::replace(bool fsync) {
  const std::string lock_name = name_ + ".lock";
  if (fsync) {
    if (const int err = fsync_fd(fd_.get()); err != 0) {
      return io_error("cannot fsync", dir_path_ + "/" + lock_name, err);
    }
  }
  if (::renameat(dirfd_, lock_name.c_str(), dirfd_, name_.c_str()) != 0) {
    return io_error("cannot rename lock over", dir_path_ + "/" + name_, errno);
  }
  held_ = false;
  if (fsync) {
    if (const int err = fsync_fd(dirfd_); err != 0) return io_error("cannot fsync", dir_path_, err);
  }
  return ok();
}

}  // namespace mailroom::maildir::detail
