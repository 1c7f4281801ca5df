// `mailroom passwd`: prints a password hash for the serve.passdb file
// (Dovecot's `doveadm pw` does the same for its users file).
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mailroom/server/passdb.hpp"

namespace mailroom::cli {
namespace {

// One line from stdin; without echo when stdin is a terminal. Through
// stdio, not std::cin: a translation unit that includes <iostream> gets a
// static std::ios_base::Init, which builds the C++ locale and the eight
// standard streams at every start of the executable, `deliver` included
// (44 K instructions and 4 page faults a delivery, callgrind and perf).
bool read_line(std::string& out) {
  char* line = nullptr;
  std::size_t capacity = 0;
  const ssize_t n = ::getline(&line, &capacity, stdin);
  if (n >= 0) {
    out.assign(line, static_cast<std::size_t>(n));
    if (!out.empty() && out.back() == '\n') out.pop_back();
  }
  if (line != nullptr) std::memset(line, 0, capacity);  // a password: leave no copy behind
  std::free(line);                                      // NOLINT: getline(3) allocates with malloc
  return n >= 0;
}

bool read_password(std::string& out) {
  bool terminal = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::fputs("Password: ", stderr);
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  bool got = read_line(out);
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fputs("\n", stderr);
  }
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return got;
}

}  // namespace

int passwd_command(Args args) {
  static constexpr std::array<OptionSpec, 2> kSpecs{{{"-s", "SCHEME"}, {"--help", ""}}};
  auto options = scan_options(args, kSpecs, "mailroom passwd");
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 64;
  }
  std::string scheme = "SHA512-CRYPT";
  for (const auto& option : *options) {
    if (option.name == "--help") {
      print_usage("passwd");
      return 0;
    }
    if (option.name != "-s") {
      std::fprintf(stderr, "mailroom passwd: unexpected argument '%s'\n", option.value.c_str());
      return 64;
    }
    scheme = option.value;
  }
  std::string password;
  if (!read_password(password) || password.empty()) {
    std::fputs("mailroom passwd: no password on stdin\n", stderr);
    return 65;
  }
  auto hashed = server::hash_password(scheme, password);
  std::fill(password.begin(), password.end(), '\0');
  if (!hashed) {
    std::fprintf(stderr, "mailroom passwd: %s\n", hashed.error().message.c_str());
    return hashed.error().kind == ErrorKind::usage ? 64 : 1;
  }
  std::printf("%s\n", hashed->c_str());
  return 0;
}

}  // namespace mailroom::cli
