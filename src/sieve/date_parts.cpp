#include "sieve/date_parts.hpp"

#include <array>
#include <cstdio>

namespace mailroom::sieve {
namespace {

constexpr std::array<std::string_view, 13> kParts = {"year",  "month",  "day",    "date", "julian",
                                                     "hour",  "minute", "second", "time", "iso8601",
                                                     "std11", "zone",   "weekday"};

struct Civil {
  std::int64_t year;
  int month, day, hour, minute, second, weekday;
  std::int64_t days;  // since 1970-01-01
};

// Howard Hinnant's civil_from_days: the proleptic Gregorian calendar.
Civil civil(std::int64_t unix_time) {
  std::int64_t days = unix_time / 86400;
  std::int64_t rest = unix_time % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  int weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  return Civil{y,
               static_cast<int>(m),
               static_cast<int>(d),
               static_cast<int>(rest / 3600),
               static_cast<int>(rest / 60 % 60),
               static_cast<int>(rest % 60),
               weekday,
               days};
}

std::string zone_text(int minutes, bool colon) {
  char sign = minutes < 0 ? '-' : '+';
  int a = minutes < 0 ? -minutes : minutes;
  char out[8];
  std::snprintf(out, sizeof out, colon ? "%c%02d:%02d" : "%c%02d%02d", sign, a / 60, a % 60);
  return out;
}

template <typename... Args>
std::string format(const char* pattern, Args... args) {
  char out[64];
  std::snprintf(out, sizeof out, pattern, args...);
  return out;
}

}  // namespace

bool valid_date_part(std::string_view part) {
  for (auto known : kParts)
    if (known == part) return true;
  return false;
}

std::optional<int> parse_zone(std::string_view zone) {
  if (zone.size() != 5 || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  for (std::size_t i = 1; i < 5; ++i)
    if (zone[i] < '0' || zone[i] > '9') return std::nullopt;
  int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
  int minutes = (zone[3] - '0') * 10 + (zone[4] - '0');
  if (minutes > 59) return std::nullopt;  // 4DIGIT: hours up to 99 (RFC 5322 §3.3)
  int total = hours * 60 + minutes;
  return zone[0] == '-' ? -total : total;
}

std::optional<std::string> date_part(std::string_view part, std::int64_t unix_time,
                                     int zone_minutes) {
  Civil c = civil(unix_time + std::int64_t{zone_minutes} * 60);
  auto year = static_cast<long long>(c.year);
  if (part == "year") return format("%04lld", year);
  if (part == "month") return format("%02d", c.month);
  if (part == "day") return format("%02d", c.day);
  if (part == "date") return format("%04lld-%02d-%02d", year, c.month, c.day);
  // §4.2: the Modified Julian Day, days since 1858-11-17 (MJD 40587 is 1970-01-01).
  if (part == "julian") return std::to_string(c.days + 40587);
  if (part == "hour") return format("%02d", c.hour);
  if (part == "minute") return format("%02d", c.minute);
  if (part == "second") return format("%02d", c.second);
  if (part == "time") return format("%02d:%02d:%02d", c.hour, c.minute, c.second);
  if (part == "iso8601") {
    // RFC 3339 date-time; "Z" for UTC, as Pigeonhole writes it.
    return format("%04lld-%02d-%02dT%02d:%02d:%02d", year, c.month, c.day, c.hour, c.minute,
                  c.second) +
           (zone_minutes == 0 ? std::string("Z") : zone_text(zone_minutes, true));
  }
  if (part == "std11") {
    static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return format("%s, %02d %s %04lld %02d:%02d:%02d ", kDays.at(c.weekday), c.day,
                  kMonths.at(c.month - 1), year, c.hour, c.minute, c.second) +
           zone_text(zone_minutes, false);
  }
  if (part == "zone") return zone_text(zone_minutes, false);
  if (part == "weekday") return std::to_string(c.weekday);  // 0 is Sunday
  return std::nullopt;
}

}  // namespace mailroom::sieve
