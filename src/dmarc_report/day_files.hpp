// Reading the day files of the spool back (recorder.hpp writes them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/dmarc_report/record.hpp"

namespace mailroom::dmarc_report {

inline constexpr std::int64_t kDay = 86400;

// The records of <spool>/<day>.records; a missing file is no records, a
// line that does not decode (a write cut short) is skipped and counted.
struct DayRecords {
  std::vector<DeliveryRecord> records;
  std::size_t bad_lines = 0;
};
[[nodiscard]] DayRecords read_day(const std::string& spool, const std::string& day);
// The records of a day file's text (a host's records published to Redis).
[[nodiscard]] DayRecords decode_day(std::string_view text);

// The days of <spool>/*.records (or *`suffix`) before `today`, oldest first.
[[nodiscard]] std::vector<std::string> recorded_days(const std::string& spool,
                                                     const std::string& today,
                                                     std::string_view suffix = ".records");

}  // namespace mailroom::dmarc_report
