// `mailroom auth check`: the authentication stage of `deliver` run on one
// message file, for a person: the Authentication-Results: field mailroom
// would add, then each check in words (record found, mechanism matched,
// headers signed, why DMARC passed or failed, what to fix). Exit 0 when the
// checks ran, whatever they found; 64 bad usage; 1 when the file or the
// configuration cannot be read.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "deliver/authenticate_stage.hpp"
#include "deliver/input.hpp"
#include "mailroom/dns/caching_resolver.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::cli {
namespace {

struct CheckArgs {
  deliver::Envelope envelope;
  std::string dns_server;
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
      if (arg == "--ip") out.envelope.client_address = value;
      if (arg == "--helo") out.envelope.client_helo = value;
      if (arg == "--from") out.envelope.sender = deliver::normalize_sender(value);
      if (arg == "--dns") out.dns_server = value;
      if (arg == "-c") {
        out.config_path = value;
        out.config_explicit = true;
      }
      if (arg == "-o") out.overrides.push_back(value);
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') return "unknown option " + std::string(arg);
    if (!out.message_path.empty()) return "more than one MESSAGE";
    out.message_path = std::string(arg);
  }
  if (out.message_path.empty()) return "MESSAGE is missing";
  return {};
}

// The message as `deliver` reads it: CRLF -> LF, an mbox From_ line removed.
Result<deliver::Input> read_message_file(const std::string& path, const Config& config) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(ErrorKind::usage, "cannot open " + path, errno);
  deliver::InputLimits limits{config.deliver.max_message_size, config.deliver.spool_threshold};
  return deliver::read_message(fd.get(), limits, "/tmp");
}

void print_report(const auth::AuthResults& results) {
  std::printf("Authentication-Results: %s\n", results.header_value.c_str());
  std::vector<std::string> lines = results.explanation;
  for (auto& line : auth::explain(results)) lines.push_back(std::move(line));
  if (!lines.empty()) std::printf("\n");
  for (const auto& line : lines) std::printf("%s\n", line.c_str());
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
  if (auto problem = parse(args.subspan(1), parsed); !problem.empty() || parsed.help) {
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
  auto input = read_message_file(parsed.message_path, *config);
  if (!input) {
    (void)std::fprintf(stderr, "mailroom auth check: %s\n", input.error().message.c_str());
    return 1;
  }
  if (!parsed.envelope.sender) parsed.envelope.sender = input->from_line_sender;
  auto message = message::Message::parse(input->buffer);
  config->auth.enabled = true;  // asked for explicitly
  deliver::DeliveryResolver network(deliver::resolver_options(config->auth, parsed.dns_server),
                                    dns::Deadline::after(config->auth.dns_budget));
  dns::CachingResolver resolver(network);
  auto stage = deliver::authenticate_stage(message, parsed.envelope, config->auth, resolver);
  print_report(stage.results);
  return 0;
}

}  // namespace mailroom::cli
