#include "mailroom/util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom {

Result<std::string> read_whole_file(const std::string& path, std::size_t max_size, ErrorKind kind) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(kind, "cannot read " + path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail_errno(kind, "cannot read " + path, errno);
  if (S_ISDIR(st.st_mode)) return fail(kind, "cannot read " + path + ": is a directory");
  std::string text;
  // The size is a hint (a pipe or /proc file says 0); reads go on to EOF.
  text.reserve(st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1 : 4096);
  char chunk[8192];
  while (true) {
    ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(kind, "cannot read " + path, errno);
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_size)
      return fail(kind, path + " is larger than " + std::to_string(max_size) + " bytes");
    text.append(chunk, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace mailroom
