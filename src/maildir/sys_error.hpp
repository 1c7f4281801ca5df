// errno -> Error, with the hint a postmaster needs (after Postfix local(8):
// "perhaps you need to create the maildirs in advance").
#pragma once

#include <sys/types.h>

#include <string>

#include "mailroom/util/result.hpp"

namespace mailroom::maildir::detail {

// "<what> <path>: <strerror> (<hint>)"; always ErrorKind::temporary: the
// MTA keeps the message and retries once the postmaster fixed the cause.
tl::unexpected<Error> io_error(const std::string& what, const std::string& path, int err);

// "a symbolic link", "a FIFO", "a plain file", ... for a message about what
// is where something else should be.
std::string file_kind(mode_t mode);

// dirfd/name could not be opened as a directory (ENOTDIR under
// O_DIRECTORY|O_NOFOLLOW, which is also what a symbolic link gives): the
// error names what is there instead, "... is a symbolic link to /x, where a
// Maildir directory should be". ELOOP for a link, else ENOTDIR.
tl::unexpected<Error> not_a_directory(const std::string& what, const std::string& path, int dirfd,
                                      const char* name);

// A file mailroom opened in a Maildir (O_NONBLOCK|O_NOFOLLOW) is not a
// regular file: "<path> is a FIFO, not a regular file" (ErrorKind::temporary,
// EINVAL). Callers that can go on without the file treat it as a warning.
tl::unexpected<Error> not_a_regular_file(const std::string& path, mode_t mode);

// openat(dirfd, name, flags|O_NONBLOCK|O_NOFOLLOW|O_CLOEXEC, mode), then
// fstat: a FIFO, device or socket a user planted in their Maildir can make
// neither open(2) nor read(2) block (issue 12 item 6), and a symbolic link is
// not followed. Returns the descriptor, or -1 with errno (ELOOP for a link,
// EINVAL for anything but a regular file, *found_mode tells which).
// io_error for dirfd/name, except that when something other than a regular
// file is there (open_regular_at's ELOOP, EINVAL, a FIFO's ENXIO) the error
// says what: not_a_regular_file.
tl::unexpected<Error> io_error_at(const std::string& what, const std::string& path, int dirfd,
                                  const char* name, int err);

int open_regular_at(int dirfd, const char* name, int flags, mode_t mode = 0,
                    mode_t* found_mode = nullptr);

}  // namespace mailroom::maildir::detail
