// `mailroom serve`: the POP3 server over the delivered Maildirs. Thin: the
// work is in src/server (and src/net).
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mailroom/server/serve.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/trust.hpp"

namespace mailroom::cli {

int serve_command(Args args) {
  static constexpr std::array<OptionSpec, 3> kSpecs{
      {{"-c", "FILE"}, {"-o", "SECTION.KEY=VALUE"}, {"--help", ""}}};
  auto options = scan_options(args, kSpecs, "mailroom serve");
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 64;
  }
  std::string path{kDefaultConfigPath};
  bool explicit_path = false;
  std::vector<std::string> overrides;
  for (const auto& option : *options) {
    if (option.name == "--help") {
      print_usage("serve");
      return 0;
    }
    if (option.name == "-c") {
      path = option.value;
      explicit_path = true;
    } else if (option.name == "-o") {
      overrides.push_back(option.value);
    } else {
      std::fprintf(stderr, "mailroom serve: unexpected argument '%s'\n", option.value.c_str());
      return 64;
    }
  }
  auto config = load_config(path, explicit_path, overrides);
  if (!config) {
    std::fprintf(stderr, "mailroom serve: %s\n", config.error().message.c_str());
    return 78;
  }
  // Root reads the password file and keys on this file's word: it must be
  // root's to change, as for deliver.
  if (::geteuid() == 0) {
    if (auto trusted = check_trusted_configuration(*config); !trusted) {
      std::fprintf(stderr, "mailroom serve: %s\n", trusted.error().message.c_str());
      return 78;
    }
  }
  log::init(config->log);
  return server::serve(*config);
}

}  // namespace mailroom::cli
