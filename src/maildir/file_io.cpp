#include "maildir/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "maildir/sys_error.hpp"
#include "mailroom/util/file.hpp"
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

namespace {

bool inside(std::string_view piece, std::string_view source) {
  return !source.empty() && piece.data() >= source.data() &&
         piece.data() + piece.size() <= source.data() + source.size();
}

// Errors that mean "the kernel cannot copy these two files", not "the
// write failed": the caller writes the bytes from memory instead.
bool cannot_copy(int err) {
  return err == EXDEV || err == EINVAL || err == ENOSYS || err == EOPNOTSUPP || err == EBADF;
}

// Copies piece (inside source) from source_fd; *copied says how far it got.
// 0, or the errno of a failure that is not cannot_copy().
int copy_piece(int fd, std::string_view piece, std::string_view source, int source_fd,
               std::size_t* copied) {
  auto offset = static_cast<loff_t>(piece.data() - source.data());
  *copied = 0;
  while (*copied < piece.size()) {
    const ssize_t n = ::copy_file_range(source_fd, &offset, fd, nullptr, piece.size() - *copied, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;  // the source is shorter than its mapping said
    *copied += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

int write_all(int fd, std::span<const std::string_view> pieces, std::string_view source,
              int source_fd) {
  std::size_t start = 0;  // first piece not yet written
  for (std::size_t i = 0; i <= pieces.size(); ++i) {
    const bool file_piece = i < pieces.size() && source_fd >= 0 && inside(pieces[i], source);
    if (i < pieces.size() && !file_piece) continue;
    if (const int err = write_all(fd, pieces.subspan(start, i - start)); err != 0) return err;
    start = i + 1;
    if (!file_piece) break;
    std::size_t copied = 0;
    const int err = copy_piece(fd, pieces[i], source, source_fd, &copied);
    if (err != 0 && !cannot_copy(err)) return err;
    if (err != 0) {
      const std::array<std::string_view, 1> rest{pieces[i].substr(copied)};
      if (const int werr = write_all(fd, rest); werr != 0) return werr;
    }
  }
  return 0;
}

std::optional<std::string> read_file_at(int dirfd, const char* name, std::size_t max_bytes,
                                        int* err, bool* truncated) {
  *err = 0;
  if (truncated != nullptr) *truncated = false;
  UniqueFd fd(open_regular_at(dirfd, name, O_RDONLY));
  if (!fd) {
    if (errno != ENOENT) *err = errno;
    return std::nullopt;
  }
  std::string content;
  content.reserve(std::min<std::size_t>(max_bytes + 1, 8192));
  if (const int read_err = read_to_end(fd.get(), max_bytes, content, truncated); read_err != 0) {
    *err = read_err;
    return std::nullopt;
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
