// The day files of delivery records (recorder.hpp).
#include "mailroom/dmarc_report/recorder.hpp"

#include <chrono>
#include <cstdio>

#include "dmarc_report/append_file.hpp"
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
  recorder.fd_ = open_append(recorder.path_, "aggregate report record");
  return recorder;
}

void Recorder::append(const DeliveryRecord& record) const noexcept {
  if (!fd_) return;
  try {
    append_line(fd_, encode(record), path_);
  } catch (...) {
    log::warn("dmarc_report.spool: out of memory making a record for {}", path_);
  }
}

}  // namespace mailroom::dmarc_report
