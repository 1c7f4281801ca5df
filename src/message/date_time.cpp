// RFC 5322 §3.3 and §4.3 date-time, read token by token.
#include "mailroom/message/date_time.hpp"
#include "mailroom/util/text.hpp"

#include <array>
#include <string>
#include <vector>

namespace mailroom::message {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool iprefix3(std::string_view word, std::string_view name) noexcept {
  if (word.size() < 3) return false;
  for (std::size_t i = 0; i < 3; ++i) {
    if (ascii_lower(word[i]) != name[i]) return false;
  }
  return true;
}

// Splits into words: runs of digits, runs of letters, and single other
// characters (':', '+', '-'); comments (§3.2.2) and ',' are dropped.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  int depth = 0;
  while (i < s.size() && out.size() < 32) {
    const char c = s[i];
    if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      if (depth > 0) --depth;
      ++i;
    } else if (depth > 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') {
      ++i;
    } else if (is_digit(c) || is_alpha(c)) {
      const std::size_t b = i;
      const bool digits = is_digit(c);
      while (i < s.size() && (digits ? is_digit(s[i]) : is_alpha(s[i]))) ++i;
      out.push_back(s.substr(b, i - b));
    } else {
      out.push_back(s.substr(i, 1));
      ++i;
    }
  }
  return out;
}

int number(std::string_view w) noexcept {
  if (w.empty() || w.size() > 9 || !is_digit(w[0])) return -1;
  int n = 0;
  for (const char c : w) n = n * 10 + (c - '0');
  return n;
}

int month_of(std::string_view w) noexcept {
  static constexpr std::array<std::string_view, 12> kMonths{
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (iprefix3(w, kMonths[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

int weekday_of(std::string_view w) noexcept {
  static constexpr std::array<std::string_view, 7> kDays{"sun", "mon", "tue", "wed",
                                                         "thu", "fri", "sat"};
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (iprefix3(w, kDays[i])) return static_cast<int>(i);
  }
  return -1;
}

bool leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) noexcept {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// §4.3 obs-zone. Military zones are treated as unknown (-0000) because
// RFC 822 defined their signs backwards and senders used both.
bool alpha_zone(std::string_view w, DateTime& dt) {
  std::string z;
  for (const char c : w) z.push_back(ascii_lower(c));
  struct Zone {
    std::string_view name;
    int minutes;
  };
  static constexpr std::array<Zone, 10> kZones{{{"ut", 0},
                                                {"utc", 0},
                                                {"gmt", 0},
                                                {"z", 0},
                                                {"est", -300},
                                                {"edt", -240},
                                                {"cst", -360},
                                                {"cdt", -300},
                                                {"mst", -420},
                                                {"mdt", -360}}};
  for (const auto& zone : kZones) {
    if (z == zone.name) {
      dt.zone_minutes = zone.minutes;
      return true;
    }
  }
  if (z == "pst" || z == "pdt") {
    dt.zone_minutes = z == "pst" ? -480 : -420;
    return true;
  }
  dt.zone_known = false;  // military letters and anything else
  dt.zone_minutes = 0;
  return true;
}

class Reader {
 public:
  explicit Reader(std::vector<std::string_view> w) : w_(std::move(w)) {}

  std::optional<DateTime> run() {
    DateTime dt;
    if (i_ < w_.size() && weekday_of(w_[i_]) >= 0 && number(w_[i_]) < 0) {
      dt.weekday = weekday_of(w_[i_++]);
    }
    if (!date(dt) || !time(dt)) return std::nullopt;
    zone(dt);
    return dt;
  }

 private:
  std::string_view next() { return i_ < w_.size() ? w_[i_++] : std::string_view(); }
  bool at(std::string_view s) const { return i_ < w_.size() && w_[i_] == s; }

  // day month year; also "month day year" and "day-month-year" seen in the wild.
  bool date(DateTime& dt) {
    std::string_view a = next();
    if (a == "-") a = next();
    int day = number(a);
    int month = 0;
    if (day < 0) {
      month = month_of(a);
      if (at("-")) ++i_;
      day = number(next());
    } else {
      if (at("-")) ++i_;
      month = month_of(next());
    }
    if (at("-")) ++i_;
    int year = number(next());
    if (day < 1 || month == 0 || year < 0) return false;
    // §4.3: two-digit years 00-49 are 20xx, 50-99 are 19xx; three digits + 1900.
    if (year < 50 && w_[i_ - 1].size() <= 2) {
      year += 2000;
    } else if (year < 1000) {
      year += 1900;
    }
    if (year > 9999 || day > days_in_month(year, month)) return false;
    dt.year = year;
    dt.month = month;
    dt.day = day;
    return true;
  }

  bool time(DateTime& dt) {
    const int h = number(next());
    if (!at(":")) return false;
    ++i_;
    const int m = number(next());
    int s = 0;
    if (at(":")) {
      ++i_;
      s = number(next());
    }
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) return false;
    dt.hour = h;
    dt.minute = m;
    dt.second = s;
    return true;
  }

  void zone(DateTime& dt) {
    const std::string_view z = next();
    if (z == "+" || z == "-") {
      const std::string_view digits = next();
      const int v = number(digits);
      if (v < 0 || digits.size() != 4 || v % 100 > 59) {
        dt.zone_known = false;
        return;
      }
      const int minutes = (v / 100) * 60 + v % 100;
      dt.zone_minutes = z == "-" ? -minutes : minutes;
      // §3.3: "-0000" means the local zone is unknown.
      if (z == "-" && minutes == 0) dt.zone_known = false;
      return;
    }
    if (!z.empty() && is_alpha(z[0])) {
      alpha_zone(z, dt);
      return;
    }
    dt.zone_known = false;  // missing zone
  }

  std::vector<std::string_view> w_;
  std::size_t i_ = 0;
};

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's method).
std::int64_t days_from_civil(int y, int m, int d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::int64_t DateTime::unix_time() const noexcept {
  const std::int64_t days = days_from_civil(year, month, day);
  const std::int64_t seconds = std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second -
                               std::int64_t{zone_minutes} * 60;
  return days * 86400 + seconds;
}

std::optional<DateTime> parse_date_time(std::string_view value) {
  return Reader(words(value)).run();
}

}  // namespace mailroom::message
