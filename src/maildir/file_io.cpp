#include "maildir/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::maildir::detail {

int write_all(int fd, std::span<const std::string_view> pieces) {
  std::size_t piece = 0;
  std::size_t offset = 0;  // into pieces[piece]
  while (piece < pieces.size()) {
    // One writev per batch of pieces: added headers + body cost one call.
    std::array<iovec, 16> iov{};
    std::size_t n = 0;
    for (std::size_t i = piece; i < pieces.size() && n < iov.size(); ++i) {
      const std::string_view p = pieces[i];
      const std::size_t skip = i == piece ? offset : 0;
      if (p.size() == skip) continue;
      iov[n].iov_base = const_cast<char*>(p.data() + skip);  // NOLINT: writev does not write
      iov[n].iov_len = p.size() - skip;
      ++n;
    }
    if (n == 0) break;
    const ssize_t written = ::writev(fd, iov.data(), static_cast<int>(n));
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (written == 0) return EIO;
    auto left = static_cast<std::size_t>(written);
    while (left > 0 && piece < pieces.size()) {
      const std::size_t rest = pieces[piece].size() - offset;
      if (left >= rest) {
        left -= rest;
        ++piece;
        offset = 0;
      } else {
        offset += left;
        left = 0;
      }
    }
    while (piece < pieces.size() && pieces[piece].size() == offset) {
      ++piece;
      offset = 0;
    }
  }
  return 0;
}

std::optional<std::string> read_file_at(int dirfd, const char* name, std::size_t max_bytes,
                                        int* err, bool* truncated) {
  *err = 0;
  if (truncated != nullptr) *truncated = false;
  UniqueFd fd(::openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno != ENOENT) *err = errno;
    return std::nullopt;
  }
  std::string content;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      return std::nullopt;
    }
    if (n == 0) break;
    const std::size_t room = max_bytes - content.size();
    const auto got = static_cast<std::size_t>(n);
    content.append(buffer, std::min(room, got));
    if (got > room) {
      if (truncated != nullptr) *truncated = true;
      break;
    }
  }
  return content;
}

int open_directory_at(int dirfd, const char* name) {
  return ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int open_or_create_directory_at(int dirfd, const char* name, mode_t mode, bool create,
                                bool* created) {
  *created = false;
  int fd = open_directory_at(dirfd, name);
  if (fd >= 0 || errno != ENOENT || !create) return fd;
  if (::mkdirat(dirfd, name, mode) == 0) {
    *created = true;
  } else if (errno != EEXIST) {  // EEXIST: a concurrent delivery made it first
    return -1;
  }
  return open_directory_at(dirfd, name);
}

int fsync_fd(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

}  // namespace mailroom::maildir::detail
