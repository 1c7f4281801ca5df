// Fuzzes RFC 5322 address lists, subaddress split and IDNA conversion.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "mailroom/message/address.hpp"
#include "mailroom/message/charset.hpp"

using namespace mailroom::message;  // NOLINT: a fuzz target is one small function

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  Limits limits;
  limits.max_addresses = 100;
  for (const Address& a : parse_address_list(input, limits)) {
    const std::string spec = a.addr_spec();
    if (!is_valid_utf8(a.display_name) || !is_valid_utf8(spec)) std::abort();
    (void)split_address(a, "+-");
    std::string lower = a.domain;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool has_alabel = lower.find("xn--") != std::string::npos;  // may be invalid as given
    if (auto ascii = domain_to_ascii(a.domain); ascii && !has_alabel) {
      // The A-label form we made decodes again, and is pure ASCII.
      for (const char c : *ascii) {
        if (static_cast<unsigned char>(c) >= 0x80) std::abort();
      }
      if (!domain_to_unicode(*ascii)) std::abort();
    }
  }
  (void)domain_to_unicode(input);
  return 0;
}
