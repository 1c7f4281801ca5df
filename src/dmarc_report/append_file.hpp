// The spool's append-only day files (recorder.hpp, failure.hpp): opened
// with O_APPEND before privileges drop, one write(2) per line, so that
// concurrent deliveries never mix their lines. Errors are logged, never
// returned: a report is not worth a delivery.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::dmarc_report {

// Opens (creating, mode 0640, no symlink) `path` for appending; invalid
// and logged ("no `what` from this delivery") when it cannot.
[[nodiscard]] UniqueFd open_append(const std::string& path, std::string_view what);

// Appends `line` with one write(2); a failure or short write is logged.
void append_line(const UniqueFd& fd, std::string_view line, const std::string& path) noexcept;

}  // namespace mailroom::dmarc_report
