// libFuzzer: the attachment of a received report (gzip, zip or XML) is
// untrusted input. What comes out is bounded by the limit, whatever the
// archive claims.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mailroom/dmarc_report/received.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  mailroom::dmarc_report::ReceivedLimits limits;
  limits.max_xml_bytes = 1 << 20;  // keep each run fast; the limit is what is tested
  auto xml = mailroom::dmarc_report::report_xml(bytes, limits);
  if (xml && xml->size() > limits.max_xml_bytes) __builtin_trap();
  if (xml) (void)mailroom::dmarc_report::parse_report(*xml);
  return 0;
}
