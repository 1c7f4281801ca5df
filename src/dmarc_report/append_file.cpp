// Append-only day files (append_file.hpp).
#include "dmarc_report/append_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mailroom/util/log.hpp"

namespace mailroom::dmarc_report {

UniqueFd open_append(const std::string& path, std::string_view what) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0)
    log::warn("dmarc_report.spool: cannot open {}: {} (no {} from this delivery)", path,
              std::strerror(errno), what);
  return UniqueFd(fd);
}

void append_line(const UniqueFd& fd, std::string_view line, const std::string& path) noexcept {
  // One write: O_APPEND puts the whole line at the end, whatever other
  // deliveries write at the same time (no lock, no partial line).
  const ssize_t n = ::write(fd.get(), line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size()))
    log::warn("dmarc_report.spool: writing {}: {}", path,
              n < 0 ? std::strerror(errno) : "short write");
}

}  // namespace mailroom::dmarc_report
