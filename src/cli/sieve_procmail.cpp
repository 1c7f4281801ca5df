// `mailroom sieve from-procmail [FILE]`: prints the Sieve translation of a
// procmailrc (default ~/.procmailrc) and lists on stderr each recipe it
// could not translate. Exit 0 when all were translated, 1 when some were
// not, 2 when the file cannot be read, 64 for a bad command line.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/sieve_tools.hpp"
#include "mailroom/sieve/procmail.hpp"
#include "mailroom/util/file.hpp"

namespace mailroom::cli {

int sieve_from_procmail(Args args) {
  if (args.size() > 1 || (args.size() == 1 && args[0][0] == '-' && args[0][1] != '\0')) {
    (void)std::fprintf(
        stderr, "mailroom sieve from-procmail: want at most one FILE (try mailroom help sieve)\n");
    return 64;
  }
  std::string path;
  if (args.empty()) {
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') {
      (void)std::fprintf(stderr, "mailroom sieve from-procmail: no FILE and no $HOME\n");
      return 64;
    }
    path = std::string(home) + "/.procmailrc";
  } else {
    path = args[0];
  }
  constexpr std::size_t kMaxRcSize = 4UL * 1024 * 1024;
  auto rc = read_whole_file(path, kMaxRcSize, ErrorKind::parse);
  if (!rc) {
    (void)std::fprintf(stderr, "mailroom sieve from-procmail: %s\n", rc.error().message.c_str());
    return 2;
  }
  auto converted = sieve::convert_procmail(*rc);
  std::fputs(converted.script.c_str(), stdout);
  for (const auto& s : converted.skipped) {
    (void)std::fprintf(stderr, "%s:%zu: not translated: %s\n", path.c_str(), s.line,
                       s.reason.c_str());
  }
  // Say so when the result does not compile here (an extension it needs,
  // such as regex or duplicate, missing from this build).
  auto program = sieve::compile(converted.script);
  if (!program) {
    for (const auto& d : program.error()) {
      (void)std::fprintf(stderr, "warning: the converted script does not compile: line %zu: %s\n",
                         d.position.line, d.message.c_str());
    }
  }
  return converted.skipped.empty() ? 0 : 1;
}

}  // namespace mailroom::cli
