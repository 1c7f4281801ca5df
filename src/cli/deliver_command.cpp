// `mailroom deliver`: flags compatible with dovecot-lda where they overlap.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "mailroom/deliver/deliver.hpp"
#include "mailroom/deliver/exit_code.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::cli {
namespace {

struct DeliverArgs {
  deliver::Request request;
  std::string config_path{kDefaultConfigPath};
  bool config_explicit = false;
  std::vector<std::string> overrides;
  bool help = false;
};

// Takes the value of a flag: "-dalice" or "-d alice".
bool take_value(Args args, std::size_t& i, std::string& value) {
  std::string_view arg = args[i];
  if (arg.size() > 2) {
    value = std::string(arg.substr(2));
    return true;
  }
  if (i + 1 >= args.size()) return false;
  value = args[++i];
  return true;
}

bool apply_flag(char flag, const std::string& value, DeliverArgs& out) {
  auto& r = out.request;
  switch (flag) {
    case 'd':
      r.user = value;
      return true;
    case 'f':
      r.sender = value;
      return true;
    case 'a':
      r.original_recipient = value;
      return true;
    case 'r':
      r.final_recipient = value;
      return true;
    case 'm':
      r.folder = value;
      return true;
    case 'p':
      r.input_path = value;
      return true;
    case 'c':
      out.config_path = value;
      out.config_explicit = true;
      return true;
    case 'o':
      out.overrides.push_back(value);
      return true;
    default:
      return false;
  }
}

// Returns an error message, or "" when the arguments are fine.
std::string parse(Args args, DeliverArgs& out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "-h" || arg == "--help") {
      out.help = true;
      return {};
    }
    if (arg == "-e") {
      out.request.reject_to_stderr = true;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') return "unexpected argument '" + std::string(arg) + "'";
    std::string value;
    if (std::string_view("dfarmpco").find(arg[1]) == std::string_view::npos)
      return "unknown option " + std::string(arg.substr(0, 2));
    if (!take_value(args, i, value)) return "option " + std::string(arg) + " needs a value";
    if (!apply_flag(arg[1], value, out)) return "unknown option " + std::string(arg.substr(0, 2));
  }
  return {};
}

}  // namespace

int deliver_command(Args args) {
  DeliverArgs parsed;
  if (auto problem = parse(args, parsed); !problem.empty()) {
    std::fprintf(stderr, "mailroom deliver: %s (try mailroom deliver --help)\n", problem.c_str());
    return deliver::kExitUsage;
  }
  if (parsed.help) {
    print_usage("deliver");
    return 0;
  }
  auto config = load_config(parsed.config_path, parsed.config_explicit, parsed.overrides);
  if (!config) {
    // A broken configuration is the postmaster's to fix: keep the mail queued.
    std::fprintf(stderr, "mailroom deliver: configuration: %s\n", config.error().message.c_str());
    return deliver::kExitTempFail;
  }
  log::init(config->log);
  auto outcome = deliver::deliver(parsed.request, *config);
  if (outcome.exit_code != 0) std::fprintf(stderr, "mailroom: %s\n", outcome.reason.c_str());
  return outcome.exit_code;
}

}  // namespace mailroom::cli
