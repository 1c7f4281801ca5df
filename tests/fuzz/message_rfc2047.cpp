// Fuzzes RFC 2047 encoded words, RFC 2231 parameters and charset conversion.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "mailroom/message/charset.hpp"
#include "mailroom/message/content_type.hpp"
#include "mailroom/message/rfc2047.hpp"

using namespace mailroom::message;  // NOLINT: a fuzz target is one small function

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  Defects d;
  if (!is_valid_utf8(decode_rfc2047(input, d))) std::abort();
  const ContentType ct = parse_content_type(input, d);
  for (const Parameter& p : ct.params.list()) {
    if (!is_valid_utf8(p.value)) std::abort();
  }
  (void)filename(parse_content_disposition(input, d), ct);
  // The first line names a charset, the rest is converted from it.
  const auto nl = input.find('\n');
  if (nl != std::string::npos) {
    std::string out;
    append_utf8(std::string_view(input).substr(nl + 1), std::string_view(input).substr(0, nl), out,
                d, 4096);
    if (out.size() > 4096 || !is_valid_utf8(out)) std::abort();
  }
  return 0;
}
