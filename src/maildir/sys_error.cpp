#include "maildir/sys_error.hpp"

#include <unistd.h>

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
      return "a plain file is where a Maildir directory should be";
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

}  // namespace mailroom::maildir::detail
