// libFuzzer: Authentication-Results fields arrive from anyone. Parse one;
// when it parses, render it again and parse the rendering, which must give
// the same results (the renderer quotes whatever needs quoting).
#include <cstddef>
#include <cstdint>
#include <string>

#include "mailroom/auth/authentication_results.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)mailroom::auth::authserv_id_of(text);
  auto parsed = mailroom::auth::parse_authentication_results(text);
  if (!parsed) {
    (void)parsed.error().describe();
    return 0;
  }
  std::string rendered = mailroom::auth::render_authentication_results(*parsed);
  auto again = mailroom::auth::parse_authentication_results(rendered);
  if (!again) __builtin_trap();
  if (again->results.size() != parsed->results.size()) __builtin_trap();
  for (std::size_t i = 0; i < parsed->results.size(); ++i) {
    if (again->results[i].properties != parsed->results[i].properties) __builtin_trap();
    if (again->results[i].reason != parsed->results[i].reason) __builtin_trap();
  }
  return 0;
}
