// Fuzzes `sieve from-procmail`: whatever the rc file holds, the converter
// returns, its output is Sieve that parses (comments and strings never let
// the input out), and every recipe it skipped has a line in the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "mailroom/sieve/parse.hpp"
#include "mailroom/sieve/procmail.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string rc(reinterpret_cast<const char*>(data), size);
  auto out = mailroom::sieve::convert_procmail(rc);
  if (!mailroom::sieve::parse_script(out.script)) std::abort();
  std::size_t lines = 1;
  for (char c : rc) lines += c == '\n' ? 1 : 0;
  for (const auto& skipped : out.skipped) {
    if (skipped.line == 0 || skipped.line > lines) std::abort();
  }
  return 0;
}
