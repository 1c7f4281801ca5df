// The day files of delivery records (recorder.hpp).
#include "mailroom/dmarc_report/recorder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "mailroom/util/log.hpp"

namespace mailroom::dmarc_report {

// std::chrono's civil calendar, not gmtime_r: glibc's first gmtime reads
// /etc/localtime (tzset), a file a delivery has no other use for.
std::string day_of(std::int64_t time) {
  using namespace std::chrono;
  const sys_days days = floor<std::chrono::days>(sys_seconds(seconds(time)));
  const year_month_day date(days);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

Recorder Recorder::open(const std::string& spool, std::int64_t now) {
  Recorder recorder;
  if (spool.empty()) return recorder;
  recorder.path_ = spool + "/" + day_of(now) + ".records";
  int fd =
      ::open(recorder.path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) {
    log::warn("dmarc_report.spool: cannot open {}: {} (this delivery is not recorded for reports)",
              recorder.path_, std::strerror(errno));
    return recorder;
  }
  recorder.fd_ = UniqueFd(fd);
  return recorder;
}

void Recorder::append(const DeliveryRecord& record) const noexcept {
  if (!fd_) return;
  try {
    const std::string line = encode(record);
    // One write: O_APPEND puts the whole line at the end, whatever other
    // deliveries write at the same time (no lock, no partial line).
    ssize_t n = ::write(fd_.get(), line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size()))
      log::warn("dmarc_report.spool: writing {}: {}", path_,
                n < 0 ? std::strerror(errno) : "short write");
  } catch (...) {
    log::warn("dmarc_report.spool: out of memory making a record for {}", path_);
  }
}

}  // namespace mailroom::dmarc_report
