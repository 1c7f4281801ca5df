// `mailroom srs forward|reverse ADDRESS`: the SRS rewriting of [srs] for
// postmasters and scripts (a Postfix transport for SRS bounces, checking
// an address a bounce came back to). Output: the address, one line; exit 0,
// 1 when refused (bad hash, expired, not an SRS address), 64 on usage, 78
// on a configuration error.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "mailroom/srs/srs.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::cli {

int srs_command(Args args) {
  std::string path{kDefaultConfigPath};
  bool explicit_path = false;
  std::vector<std::string> overrides;
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      print_usage("srs");
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
    words.push_back(arg);
  }
  if (words.size() != 2 || (words[0] != "forward" && words[0] != "reverse")) {
    print_usage("srs");
    return 64;
  }
  auto config = load_config(path, explicit_path, overrides);
  if (!config) {
    std::fprintf(stderr, "mailroom srs: %s\n", config.error().message.c_str());
    return 78;
  }
  auto options = srs::options_from(config->srs);
  Result<std::string> out = options ? (words[0] == "forward" ? srs::forward(*options, words[1])
                                                             : srs::reverse(*options, words[1]))
                                    : Result<std::string>(tl::unexpected(options.error()));
  if (!out) {
    std::fprintf(stderr, "mailroom srs %s: %s\n", std::string(words[0]).c_str(),
                 out.error().message.c_str());
    return out.error().kind == ErrorKind::config ? 78 : 1;
  }
  std::printf("%s\n", out->c_str());
  return 0;
}

}  // namespace mailroom::cli
