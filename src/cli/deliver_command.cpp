// `mailroom deliver`: flags compatible with dovecot-lda where they overlap,
// and long options for what dovecot-lda has no flag for.
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
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

constexpr std::array kDeliverOptions{
    OptionSpec{"-d", "USER"},
    OptionSpec{"-f", "SENDER"},
    OptionSpec{"-a", "ADDRESS"},
    OptionSpec{"-r", "ADDRESS"},
    OptionSpec{"-m", "FOLDER"},
    OptionSpec{"-e", ""},
    // dovecot-lda's "don't clear the environment": mailroom never clears it,
    // so recipes that pass -k keep working.
    OptionSpec{"-k", ""},
    OptionSpec{"-c", "FILE"},
    OptionSpec{"-o", "SECTION.KEY=VALUE"},
    OptionSpec{"-p", "FILE"},
    // Postfix pipe(8) passes the SMTP client as ${client_address} and
    // ${client_helo}; local(8) puts them in the environment instead.
    OptionSpec{"--client-address", "IP"},
    OptionSpec{"--client-helo", "NAME"},
    OptionSpec{"-h", ""},
    OptionSpec{"--help", ""},
};

void apply(const ScannedOption& option, DeliverArgs& out) {
  auto& r = out.request;
  const std::string& name = option.name;
  const std::string& value = option.value;
  if (name == "-d") r.user = value;
  if (name == "-f") r.sender = value;
  if (name == "-a") r.original_recipient = value;
  if (name == "-r") r.final_recipient = value;
  if (name == "-m") r.folder = value;
  if (name == "-p") r.input_path = value;
  if (name == "-e") r.reject_to_stderr = true;
  if (name == "--client-address") r.client_address = value;
  if (name == "--client-helo") r.client_helo = value;
  if (name == "-c") {
    out.config_path = value;
    out.config_explicit = true;
  }
  if (name == "-o") out.overrides.push_back(value);
  if (name == "-h" || name == "--help") out.help = true;
}

// Returns an error message, or "" when the arguments are fine.
std::string parse(Args args, DeliverArgs& out) {
  auto options = scan_options(args, kDeliverOptions, "mailroom deliver");
  if (!options) return options.error().message;
  for (const auto& option : *options) {
    if (option.name.empty())
      return "unexpected argument '" + option.value +
             "': the message is read from stdin (or -p FILE), every value follows its flag";
    apply(option, out);
  }
  return {};
}

}  // namespace

namespace {

// The deliver command's own refusals (bad flags, a broken configuration):
// the same "<RFC 3463 code> mailroom: reason" line as the pipeline's.
int refuse(ErrorKind kind, const std::string& reason) {
  deliver::Outcome outcome{deliver::exit_code_for(kind), reason,
                           deliver::enhanced_status_for(kind)};
  std::fprintf(stderr, "%s\n", deliver::outcome_line(outcome).c_str());
  return outcome.exit_code;
}

// The deadline armed while the configuration is read: the default, or the
// last -o deliver.deadline=... (so a test or an admin can shorten it).
void arm_deadline_from_overrides(const std::vector<std::string>& overrides) {
  constexpr std::string_view kKey = "deliver.deadline=";
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    if (!it->starts_with(kKey)) continue;
    if (auto deadline = parse_duration(std::string_view(*it).substr(kKey.size())))
      deliver::arm_deadline(*deadline);
    return;
  }
}

}  // namespace

int deliver_command(Args args) {
  if (auto refused = deliver::prepare_process()) {
    std::fprintf(stderr, "%s\n", deliver::outcome_line(*refused).c_str());
    return refused->exit_code;
  }
  DeliverArgs parsed;
  if (auto problem = parse(args, parsed); !problem.empty())
    return refuse(ErrorKind::usage, "deliver: " + problem);
  if (parsed.help) {
    print_usage("deliver");
    return 0;
  }
  arm_deadline_from_overrides(parsed.overrides);
  auto config = load_config(parsed.config_path, parsed.config_explicit, parsed.overrides);
  if (!config) {
    // A broken configuration is the postmaster's to fix: keep the mail queued.
    return refuse(ErrorKind::config, "deliver: configuration: " + config.error().message);
  }
  log::init(config->log);
  auto outcome = deliver::deliver(parsed.request, *config);
  if (outcome.exit_code != 0) std::fprintf(stderr, "%s\n", deliver::outcome_line(outcome).c_str());
  return outcome.exit_code;
}

}  // namespace mailroom::cli
