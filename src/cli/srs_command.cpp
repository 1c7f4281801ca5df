// `mailroom srs forward|reverse ADDRESS`: the SRS rewriting of [srs] for
// postmasters and scripts (checking the address a bounce came back to,
// what a redirected copy's sender will be). Output: the address, one line;
// exit 0, 1 when refused (bad hash, expired, not an SRS address), 64 on
// usage, 78 on a configuration error.
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mailroom/srs/srs.hpp"

namespace mailroom::cli {
namespace {

Result<std::string> rewrite(const Config& config, std::string_view how, std::string_view address) {
  auto options = srs::options_from(config.srs);
  if (!options) return tl::unexpected(options.error());
  return how == "forward" ? srs::forward(*options, address) : srs::reverse(*options, address);
}

}  // namespace

int srs_command(Args args) {
  static constexpr std::array<OptionSpec, 3> kSpecs{
      {{"-c", "FILE"}, {"-o", "SECTION.KEY=VALUE"}, {"--help", ""}}};
  auto options = scan_options(args, kSpecs, "mailroom srs");
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 64;
  }
  std::vector<std::string> words;
  for (const auto& option : *options) {
    if (option.name == "--help") {
      print_usage("srs");
      return 0;
    }
    if (option.name.empty()) words.push_back(option.value);
  }
  if (words.size() != 2 || (words[0] != "forward" && words[0] != "reverse")) {
    print_usage("srs");
    return 64;
  }
  auto config = config_from(*options);
  if (!config) {
    std::fprintf(stderr, "mailroom srs: %s\n", config.error().message.c_str());
    return 78;
  }
  auto out = rewrite(*config, words[0], words[1]);
  if (!out) {
    std::fprintf(stderr, "mailroom srs %s: %s\n", words[0].c_str(), out.error().message.c_str());
    return out.error().kind == ErrorKind::config ? 78 : 1;
  }
  std::printf("%s\n", out->c_str());
  return 0;
}

}  // namespace mailroom::cli
