#include "mailroom/util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom {

int read_to_end(int fd, std::size_t max_bytes, std::string& out, bool* truncated) {
  if (truncated != nullptr) *truncated = false;
  std::size_t chunk = 4096;
  while (true) {
    const std::size_t old = out.size();
    if (out.capacity() == old) {
      out.reserve(old + chunk);
      chunk = std::min<std::size_t>(chunk * 2, std::size_t{1} << 20);
    }
    // Reads fill what the caller reserved (no reallocation to find EOF). At
    // the limit, one more byte tells a file of exactly max_bytes from a
    // larger one; it is dropped.
    const std::size_t want = old >= max_bytes ? 1 : std::min(out.capacity() - old, max_bytes - old);
    out.resize(old + want);
    const ssize_t n = ::read(fd, out.data() + old, want);
    const int err = errno;
    out.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && err == EINTR) continue;
    if (n < 0) return err;
    if (n == 0) return 0;
    if (old >= max_bytes) {
      out.resize(old);
      if (truncated != nullptr) *truncated = true;
      return 0;
    }
  }
}

Result<std::string> read_whole_file(const std::string& path, std::size_t max_size, ErrorKind kind) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(kind, "cannot read " + path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail_errno(kind, "cannot read " + path, errno);
  if (S_ISDIR(st.st_mode)) return fail(kind, "cannot read " + path + ": is a directory");
  std::string text;
  // The size is a hint (a pipe or /proc file says 0); reads go on to EOF.
  text.reserve(st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1 : 4096);
  bool larger = false;
  if (const int err = read_to_end(fd.get(), max_size, text, &larger); err != 0)
    return fail_errno(kind, "cannot read " + path, err);
  if (larger) return fail(kind, path + " is larger than " + std::to_string(max_size) + " bytes");
  return text;
}

}  // namespace mailroom
