// Day files (day_files.hpp).
#include "dmarc_report/day_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "mailroom/util/file.hpp"

namespace mailroom::dmarc_report {

DayRecords read_day(const std::string& spool, const std::string& day) {
  // A day of a busy server is some hundred MB at most; past 4 GiB, refuse.
  auto read =
      read_whole_file(spool + "/" + day + ".records", std::size_t{4} << 30, ErrorKind::temporary);
  if (!read) return {};
  return decode_day(*read);
}

DayRecords decode_day(std::string_view text) {
  DayRecords out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) {  // a record still being written, or cut short
      ++out.bad_lines;
      break;
    }
    auto record = decode(text.substr(start, end - start));
    if (record) {
      out.records.push_back(std::move(*record));
    } else {
      ++out.bad_lines;
    }
    start = end + 1;
  }
  return out;
}

std::vector<std::string> recorded_days(const std::string& spool, const std::string& today,
                                       std::string_view suffix) {
  std::vector<std::string> days;
  DIR* dir = ::opendir(spool.c_str());
  if (dir == nullptr) return days;
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.size() != 10 + suffix.size() || !name.ends_with(suffix)) continue;
    std::string day(name.substr(0, 10));
    if (day < today) days.push_back(day);
  }
  ::closedir(dir);
  std::sort(days.begin(), days.end());
  return days;
}

}  // namespace mailroom::dmarc_report
