// libFuzzer: SRS addresses from bounces (untrusted recipients): reverse
// never crashes, and what forward writes for an ordinary sender reverses
// to that sender.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailroom/srs/srs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  mailroom::srs::Options options;
  options.secrets = {"fuzz-secret", "older"};
  options.domain = "fwd.example.net";
  options.clock = [] { return std::int64_t{1796601600}; };
  (void)mailroom::srs::reverse(options, input);
  (void)mailroom::srs::is_srs_address(input);
  auto forwarded = mailroom::srs::forward(options, input);
  if (!forwarded || *forwarded == input || forwarded->rfind("SRS0=", 0) != 0) return 0;
  // SRS0 fields are '='-separated: a sender domain with '=' cannot come back.
  auto at = input.rfind('@');
  if (input.substr(at + 1).find('=') != std::string_view::npos) return 0;
  auto back = mailroom::srs::reverse(options, *forwarded);
  if (!back || *back != input) __builtin_trap();
  return 0;
}
