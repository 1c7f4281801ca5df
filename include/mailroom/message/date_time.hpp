// RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 (two- and
// three-digit years, alphabetic zones, comments, missing seconds).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mailroom::message {

struct DateTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;          // 0..60 (leap second kept as written)
  int zone_minutes = 0;    // offset east of UTC, e.g. -300 for EST
  bool zone_known = true;  // false for "-0000", military and unknown zones (§4.3)
  int weekday = -1;        // 0 = Sunday .. 6, -1 if not written

  // Seconds since the epoch, UTC (a leap second counts as :59 + 1).
  [[nodiscard]] std::int64_t unix_time() const noexcept;
};

// Parses a Date header value (folds allowed). nullopt if no plausible date
// is in it; a wrong day-of-week is ignored, as §3.3 allows.
std::optional<DateTime> parse_date_time(std::string_view value);

}  // namespace mailroom::message
