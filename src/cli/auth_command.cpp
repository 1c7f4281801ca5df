// `mailroom auth check`: the authentication stage of `deliver` run on one
// message file, for a person: the Authentication-Results: field mailroom
// would add, then each check in words (record found, mechanism matched,
// headers signed, why DMARC passed or failed, what to fix). Exit 0 when the
// checks ran, whatever they found; 64 bad usage; 1 when the file or the
// configuration cannot be read.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mailroom/deliver/auth_check.hpp"
#include "mailroom/dns/ip_address.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::cli {
namespace {

struct CheckArgs {
  deliver::AuthCheckRequest request;
  std::string config_path{kDefaultConfigPath};
  bool config_explicit = false;
  std::vector<std::string> overrides;
  std::string message_path;
  bool help = false;
};

// Returns an error message, or "" when the arguments are fine.
std::string parse(Args args, CheckArgs& out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "-h" || arg == "--help") {
      out.help = true;
      return {};
    }
    bool takes_value = arg == "--ip" || arg == "--helo" || arg == "--from" || arg == "--dns" ||
                       arg == "-c" || arg == "-o";
    if (takes_value) {
      if (i + 1 >= args.size()) return "option " + std::string(arg) + " needs a value";
      std::string value = args[++i];
      if (arg == "--ip" && !dns::IpAddress::parse(value))
        return "--ip " + value + " is not an IP address (want e.g. 192.0.2.1 or 2001:db8::1)";
      if (arg == "--ip") out.request.client_ip = value;
      if (arg == "--helo") out.request.helo = value;
      if (arg == "--from") out.request.sender = value;
      if (arg == "--dns") out.request.dns_server = value;
      if (arg == "-c") {
        out.config_path = value;
        out.config_explicit = true;
      }
      if (arg == "-o") out.overrides.push_back(value);
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') return "unknown option " + std::string(arg);
    if (!out.request.message_path.empty()) return "more than one MESSAGE";
    out.request.message_path = std::string(arg);
  }
  if (out.request.message_path.empty()) return "MESSAGE is missing";
  return {};
}

void print_report(const deliver::AuthCheckReport& report) {
  std::printf("Authentication-Results: %s\n", report.results.header_value.c_str());
  if (!report.lines.empty()) std::printf("\n");
  for (const auto& line : report.lines) std::printf("%s\n", line.c_str());
}

}  // namespace

int auth_command(Args args) {
  if (args.empty() || std::string_view(args[0]) == "--help" || std::string_view(args[0]) == "-h") {
    print_usage("auth");
    return args.empty() ? 64 : 0;
  }
  if (std::string_view(args[0]) != "check") {
    (void)std::fprintf(stderr, "mailroom auth: unknown subcommand '%s'\n", args[0]);
    return 64;
  }
  CheckArgs parsed;
  auto words = split_long_values(args.subspan(1));  // --ip=IP as --ip IP
  auto argv = as_args(words);
  if (auto problem = parse(argv, parsed); !problem.empty() || parsed.help) {
    if (parsed.help) {
      print_usage("auth");
      return 0;
    }
    (void)std::fprintf(stderr, "mailroom auth check: %s (try mailroom auth --help)\n",
                       problem.c_str());
    return 64;
  }
  auto config = load_config(parsed.config_path, parsed.config_explicit, parsed.overrides);
  if (!config) {
    (void)std::fprintf(stderr, "mailroom auth check: %s\n", config.error().message.c_str());
    return 1;
  }
  auto report = deliver::check_message_file(parsed.request, *config);
  if (!report) {
    (void)std::fprintf(stderr, "mailroom auth check: %s\n", report.error().message.c_str());
    return 1;
  }
  print_report(*report);
  return 0;
}

}  // namespace mailroom::cli
