#include "maildir/sys_error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include <cerrno>
#include <cstring>

namespace mailroom::maildir::detail {
namespace {

std::string hint_for(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
      return "check that the Maildir and every parent directory are writable by uid " +
             std::to_string(::geteuid()) + " (the user mailroom delivers as)";
    case ENOENT:
      return "perhaps you need to create the maildirs in advance, or enable maildir creation";
    case ENOSPC:
      return "the file system is full";
    case EDQUOT:
      return "the user's disk quota is exhausted";
    case EROFS:
      return "the file system is mounted read-only";
    case ELOOP:
      return "a symbolic link is in the way; mailroom does not follow links inside a Maildir";
    case ENOTDIR:
      return "something that is not a directory is where a Maildir directory should be";
    case EMFILE:
    case ENFILE:
      return "too many open files";
    default:
      return {};
  }
}

}  // namespace

tl::unexpected<Error> io_error(const std::string& what, const std::string& path, int err) {
  std::string message = what + " " + path + ": " + std::strerror(err);
  if (std::string hint = hint_for(err); !hint.empty()) message += " (" + hint + ")";
  return fail(ErrorKind::temporary, std::move(message), err);
}

std::string file_kind(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISREG(mode)) return "a plain file";
  return "an unknown kind of file";
}

tl::unexpected<Error> not_a_directory(const std::string& what, const std::string& path, int dirfd,
                                      const char* name) {
  struct stat st {};
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return io_error(what, path, ENOTDIR);
  std::string message = what + " " + path + ": it is " + file_kind(st.st_mode);
  if (S_ISLNK(st.st_mode)) {
    std::array<char, 256> target{};
    const ssize_t n = ::readlinkat(dirfd, name, target.data(), target.size() - 1);
    if (n > 0) message += " to " + std::string(target.data(), static_cast<std::size_t>(n));
  }
  message += ", where a Maildir directory should be";
  if (S_ISLNK(st.st_mode)) message += " (mailroom does not follow links inside a Maildir)";
  return fail(ErrorKind::temporary, std::move(message), S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR);
}

tl::unexpected<Error> not_a_regular_file(const std::string& path, mode_t mode) {
  return fail(ErrorKind::temporary, path + " is " + file_kind(mode) + ", not a regular file",
              S_ISLNK(mode) ? ELOOP : EINVAL);
}

tl::unexpected<Error> io_error_at(const std::string& what, const std::string& path, int dirfd,
                                  const char* name, int err) {
  struct stat st {};
  // ENXIO is what O_WRONLY|O_NONBLOCK gives for a FIFO without a reader.
  if (err != ENOENT && ::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      !S_ISREG(st.st_mode))
    return not_a_regular_file(path, st.st_mode);
  return io_error(what, path, err);
}

int open_regular_at(int dirfd, const char* name, int flags, mode_t mode, mode_t* found_mode) {
  const int fd = ::openat(dirfd, name, flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    const int err = errno;
    struct stat st {};
    if (found_mode != nullptr && ::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
      *found_mode = st.st_mode;
    errno = err;
    return -1;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (found_mode != nullptr) *found_mode = st.st_mode;
    ::close(fd);
    errno = EINVAL;
    return -1;
  }
  if (found_mode != nullptr) *found_mode = st.st_mode;
  return fd;
}

}  // namespace mailroom::maildir::detail
