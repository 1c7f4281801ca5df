// Report intervals shorter than a day (RFC 7489 §6.3 ri=): "DMARC
// implementations MUST be able to provide daily reports and SHOULD be able
// to provide hourly reports when requested". A ri= under 86400 becomes a
// whole number of hours that divides the day (1, 2, 3, 4, 6, 8 or 12),
// rounded up, so that the intervals start on UTC hours, none straddles two
// day files, and each is reported once, when it has ended.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailroom::dmarc_report {

// The interval in seconds for the DMARC record `policy_record`: 3600 to
// 43200 when its ri= asks for less than a day, 0 when reports are daily
// (or longer: send.cpp counts those in days).
[[nodiscard]] std::int64_t sub_day_interval(std::string_view policy_record);

// The marker of the interval beginning at `begin` under <spool>/sent/<day>/:
// the domain's marker name (marker_name) + "+" + the hour, "a.com+13".
// '+' never appears in a marker_name, so it cannot meet a domain's own.
[[nodiscard]] std::string interval_marker(const std::string& domain, std::int64_t begin);

// "2026-12-06 13:00-14:00", for the lines `dmarc send` prints.
[[nodiscard]] std::string interval_label(std::int64_t begin, std::int64_t length);

}  // namespace mailroom::dmarc_report
