// Day files (day_files.hpp).
#include "dmarc_report/day_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::dmarc_report {

DayRecords read_day(const std::string& spool, const std::string& day) {
  DayRecords out;
  UniqueFd fd(::open((spool + "/" + day + ".records").c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return out;
  std::string text;
  char buffer[1 << 16];
  ssize_t n = 0;
  while ((n = ::read(fd.get(), buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<std::size_t>(n));
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) {  // a record still being written, or cut short
      ++out.bad_lines;
      break;
    }
    auto record = decode(std::string_view(text).substr(start, end - start));
    if (record) {
      out.records.push_back(std::move(*record));
    } else {
      ++out.bad_lines;
    }
    start = end + 1;
  }
  return out;
}

std::vector<std::string> recorded_days(const std::string& spool, const std::string& today) {
  std::vector<std::string> days;
  DIR* dir = ::opendir(spool.c_str());
  if (dir == nullptr) return days;
  constexpr std::string_view kSuffix = ".records";
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.size() != 10 + kSuffix.size() || !name.ends_with(kSuffix)) continue;
    std::string day(name.substr(0, 10));
    if (day < today) days.push_back(day);
  }
  ::closedir(dir);
  std::sort(days.begin(), days.end());
  return days;
}

}  // namespace mailroom::dmarc_report
