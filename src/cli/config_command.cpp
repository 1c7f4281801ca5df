// `mailroom config check`: prints the effective configuration, or names the
// file, line and key that is wrong and exits 1 (a person runs this, not an
// MTA, so the sysexits rules of `deliver` do not apply).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/trust.hpp"

namespace mailroom::cli {

int config_command(Args args) {
  if (args.empty() || std::string_view(args[0]) == "--help" || std::string_view(args[0]) == "-h") {
    print_usage("config");
    return args.empty() ? 64 : 0;
  }
  if (std::string_view(args[0]) != "check") {
    std::fprintf(stderr, "mailroom config: unknown subcommand '%s'\n", args[0]);
    return 64;
  }
  std::string path{kDefaultConfigPath};
  bool explicit_path = false;
  std::vector<std::string> overrides;
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      print_usage("config");
      return 0;
    }
    if ((arg == "-c" || arg == "-o") && i + 1 < args.size()) {
      if (arg == "-c") {
        path = args[++i];
        explicit_path = true;
      } else {
        overrides.emplace_back(args[++i]);
      }
      continue;
    }
    std::fprintf(stderr, "mailroom config check: unexpected argument '%s'\n", args[i]);
    return 64;
  }
  auto config = load_config(path, explicit_path, overrides);
  if (!config) {
    std::fprintf(stderr, "mailroom config check: %s\n", config.error().message.c_str());
    return 1;
  }
  // What `deliver` as root would refuse (StrictModes), said before mail waits.
  if (auto trusted = check_trusted_configuration(*config); !trusted) {
    std::fprintf(stderr, "mailroom config check: %s\n", trusted.error().message.c_str());
    return 1;
  }
  std::fputs(render_config(*config).c_str(), stdout);
  return 0;
}

}  // namespace mailroom::cli
