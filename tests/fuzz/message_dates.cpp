// Fuzzes RFC 5322 date-time parsing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mailroom/message/date_time.hpp"

using namespace mailroom::message;  // NOLINT: a fuzz target is one small function

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto dt = parse_date_time(input)) {
    if (dt->month < 1 || dt->month > 12 || dt->day < 1 || dt->day > 31 || dt->hour > 23 ||
        dt->minute > 59 || dt->second > 60 || dt->zone_minutes < -6000 || dt->zone_minutes > 6000) {
      std::abort();
    }
    (void)dt->unix_time();
  }
  return 0;
}
