// mailroom: thin dispatcher (STYLE.md: src/cli is thin, the work is in the
// modules).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>

#include "cli/commands.hpp"
#include "mailroom/util/log.hpp"

int main(int argc, char** argv) {
  using namespace mailroom::cli;
  std::span<char* const> all(argv, static_cast<std::size_t>(argc));
  if (argc < 2) {
    print_usage("");
    return 64;
  }
  std::string_view command = argv[1];
  auto rest = all.subspan(2);
  if (command == "deliver") {
    int code = deliver_command(rest);
    // An MTA starts one `deliver` per message, so its exit is on the hot
    // path: everything durable is done, the log line and stdio are pushed
    // out here, and the process ends without running the destructors of
    // its heap and mappings (the kernel frees them at once).
    mailroom::log::flush();
    std::fflush(nullptr);  // NOLINT(cert-err33-c): nothing to do if it fails
    std::_Exit(code);
  }
  if (command == "config") return config_command(rest);
  if (command == "auth") return auth_command(rest);
  if (command == "sieve") return sieve_command(rest);
  if (command == "serve") return serve_command(rest);
  if (command == "lmtp") return lmtp_command(rest);
  if (command == "passwd") return passwd_command(rest);
  if (command == "srs") return srs_command(rest);
  if (command == "dmarc") return dmarc_command(rest);
  if (command == "learn" || command == "score") return spam_command(command, rest);
  if (command == "--version" || command == "version") {
    print_version();
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage(rest.empty() ? "" : rest[0]);
    return 0;
  }
  std::fprintf(stderr, "mailroom: unknown command '%s' (try mailroom --help)\n", argv[1]);
  return 64;
}
