// RFC 5260 §4.2 date-parts: a moment shown in a zone, one part at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::sieve {

// year, month, day, date, julian, hour, minute, second, time, iso8601,
// std11, zone, weekday (lower case; the validator lowers the script's).
bool valid_date_part(std::string_view part);

// "+hhmm" / "-hhmm" (RFC 5322 §3.3 zone: hours 00-99, minutes 00-59) as
// minutes east of UTC; nullopt when malformed.
std::optional<int> parse_zone(std::string_view zone);

// `part` of the moment `unix_time` (UTC seconds) shown at `zone_minutes`
// east of UTC, as §4.2 writes it ("2026-12-07", "61381", "+0100").
// nullopt for an unknown part.
std::optional<std::string> date_part(std::string_view part, std::int64_t unix_time,
                                     int zone_minutes);

}  // namespace mailroom::sieve
