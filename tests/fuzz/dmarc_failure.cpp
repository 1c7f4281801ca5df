// libFuzzer: failure reports (ruf=) carry the header fields of hostile
// mail. Input: the domain to keep, '\n', header text. Redaction adds no
// '@' (a quoted local part may hold one, and goes), redacting twice
// changes nothing more, and the spool line of a record made of the text
// decodes to the same record.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailroom/dmarc_report/failure.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom::dmarc_report;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto newline = text.find('\n');
  const std::string_view keep = newline == std::string_view::npos ? "" : text.substr(0, newline);
  const std::string_view headers =
      newline == std::string_view::npos ? text : text.substr(newline + 1);
  const std::string once = redact_addresses(headers, keep);
  if (std::count(once.begin(), once.end(), '@') > std::count(headers.begin(), headers.end(), '@'))
    __builtin_trap();
  if (redact_addresses(once, keep) != once) __builtin_trap();
  FailureRecord record{static_cast<std::int64_t>(size) - 7,
                       std::string(keep),
                       std::string(headers),
                       once,
                       "dmarc",
                       std::string(keep),
                       std::string(headers),
                       once};
  auto back = decode_failure(encode_failure(record));
  if (!back || !(*back == record)) __builtin_trap();
  (void)decode_failure(text);
  return 0;
}
