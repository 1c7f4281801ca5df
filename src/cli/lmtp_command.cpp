// `mailroom lmtp`: the LMTP server (mailroom-lmtp(8)). Thin: the work is
// in src/lmtp.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mailroom/lmtp/lmtp.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/trust.hpp"

namespace mailroom::cli {

int lmtp_command(Args args) {
  static constexpr std::array<OptionSpec, 4> kSpecs{
      {{"-c", "FILE"}, {"-o", "SECTION.KEY=VALUE"}, {"--help", ""}, {"--stats", ""}}};
  auto options = scan_options(args, kSpecs, "mailroom lmtp");
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 64;
  }
  lmtp::ConfigSource source{std::string(kDefaultConfigPath), false, {}};
  bool stats = false;
  for (const auto& option : *options) {
    if (option.name == "--help") {
      print_usage("lmtp");
      return 0;
    }
    if (option.name == "--stats") {
      stats = true;
    } else if (option.name == "-c") {
      source.path = option.value;
      source.explicit_path = true;
    } else if (option.name == "-o") {
      source.overrides.push_back(option.value);
    } else {
      std::fprintf(stderr, "mailroom lmtp: unexpected argument '%s'\n", option.value.c_str());
      return 64;
    }
  }
  auto config = load_config(source.path, source.explicit_path, source.overrides);
  if (!config) {
    std::fprintf(stderr, "mailroom lmtp: %s\n", config.error().message.c_str());
    return 78;
  }
  if (stats) return lmtp::print_stats(*config);
  // As for deliver: root acts on this file's word, so it must be root's.
  if (::geteuid() == 0) {
    if (auto trusted = check_trusted_configuration(*config); !trusted) {
      std::fprintf(stderr, "mailroom lmtp: %s\n", trusted.error().message.c_str());
      return 78;
    }
  }
  log::init(config->log);
  return lmtp::serve(*config, source);
}

}  // namespace mailroom::cli
