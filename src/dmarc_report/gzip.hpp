// gzip (RFC 1952) of a report, in memory, through zlib.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::dmarc_report {

[[nodiscard]] Result<std::string> gzip(std::string_view data);

}  // namespace mailroom::dmarc_report
