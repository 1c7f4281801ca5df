// Small helpers over the *at() system calls, retrying EINTR and partial
// writes. Names are relative to a directory descriptor and never follow a
// symbolic link in the last component.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mailroom::maildir::detail {

// Writes every piece, in order. Returns 0 or the errno of the failure.
int write_all(int fd, std::span<const std::string_view> pieces);

// The same; pieces inside `source` (whose bytes are those of source_fd from
// offset 0) are copied from source_fd by the kernel, the rest written.
int write_all(int fd, std::span<const std::string_view> pieces, std::string_view source,
              int source_fd);

// Reads at most max_bytes of dirfd/name (open_regular_at: never blocks on a
// FIFO, never follows a link). nullopt with *err = 0 when the file does not
// exist; nullopt with *err set on other errors (ELOOP for a symbolic link,
// EINVAL for anything but a regular file: see io_error_at). *truncated tells
// whether the file was larger than max_bytes.
std::optional<std::string> read_file_at(int dirfd, const char* name, std::size_t max_bytes,
                                        int* err, bool* truncated = nullptr);

// openat(O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC); -1 and errno on failure.
int open_directory_at(int dirfd, const char* name);

// Opens dirfd/name as a directory, creating it (mode) when allowed and
// missing. *created tells whether this call made it. -1 and errno on failure.
int open_or_create_directory_at(int dirfd, const char* name, mode_t mode, bool create,
                                bool* created);

// fsync that retries EINTR. 0 or errno.
int fsync_fd(int fd);

}  // namespace mailroom::maildir::detail
