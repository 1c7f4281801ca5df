// Sub-day report intervals (interval.hpp).
#include "dmarc_report/interval.hpp"

#include <array>
#include <cstdio>

#include "dmarc_report/day_files.hpp"
#include "dmarc_report/sent_state.hpp"
#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/dmarc_report/recorder.hpp"

namespace mailroom::dmarc_report {
namespace {

constexpr std::int64_t kHour = 3600;

int hour_of(std::int64_t time) { return static_cast<int>((time % kDay + kDay) % kDay / kHour); }

}  // namespace

std::int64_t sub_day_interval(std::string_view policy_record) {
  auto record = auth::parse_dmarc_record(policy_record);
  if (!record || record->report_interval >= kDay) return 0;
  // Rounded up: a receiver may report less often than asked (ri= is a
  // request, §6.3), never more often than every hour.
  static constexpr std::array<std::int64_t, 7> kHours{1, 2, 3, 4, 6, 8, 12};
  for (auto hours : kHours)
    if (hours * kHour >= record->report_interval) return hours * kHour;
  return 0;  // over 12 hours: daily
}

std::string interval_marker(const std::string& domain, std::int64_t begin) {
  char hour[8];
  std::snprintf(hour, sizeof hour, "+%02d", hour_of(begin));
  return marker_name(domain) + hour;
}

std::string interval_label(std::int64_t begin, std::int64_t length) {
  const int end_hour = hour_of(begin + length - 1) + 1;
  char hours[32];
  std::snprintf(hours, sizeof hours, " %02d:00-%02d:00", hour_of(begin), end_hour);
  return day_of(begin) + hours;
}

}  // namespace mailroom::dmarc_report
