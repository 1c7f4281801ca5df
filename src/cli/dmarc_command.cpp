// `mailroom dmarc send [--day YYYY-MM-DD] [--dry-run]`: the DMARC aggregate
// reports of the recorded days (mailroom-dmarc(8)). Prints one line per
// report; exit 0 when every report due was sent (or needs no sending), 75
// when one must be retried (the next run does), 64 usage, 78 configuration.
#include <array>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mailroom/auth/psl.hpp"
#include "mailroom/deliver/sendmail.hpp"
#include "mailroom/dmarc_report/send.hpp"
#include "mailroom/dns/stub_resolver.hpp"
#include "mailroom/util/host.hpp"

namespace mailroom::cli {
namespace {

struct SendRequest {
  std::optional<std::string> day;
  bool dry_run = false;
};

int run_send(const Config& config, const SendRequest& request) {
  dns::StubOptions dns;
  dns.servers = config.auth.dns_server;
  dns.query_timeout = config.auth.dns_timeout;
  dns::StubResolver resolver(dns);
  auto psl = auth::PublicSuffixList::load(config.auth.psl_path);
  if (!psl) std::fprintf(stderr, "mailroom dmarc: %s\n", psl.error().message.c_str());
  auth::PublicSuffixList empty;
  const auto& report = config.dmarc_report;
  dmarc_report::SendOptions options;
  options.spool = report.spool;
  options.org_name = report.org_name.empty() ? host_name() : report.org_name;
  options.email = report.email;
  options.day = request.day;
  options.dry_run = request.dry_run;
  options.now = std::time(nullptr);
  options.resolver = &resolver;
  options.psl = psl ? &*psl : &empty;
  options.send = [&report](const std::string& sender, const std::vector<std::string>& to,
                           std::string_view message) {
    return deliver::run_sendmail(report.sendmail, sender, to, message, {});
  };
  auto lines = dmarc_report::send_reports(options);
  if (!lines) {
    std::fprintf(stderr, "mailroom dmarc send: %s\n", lines.error().message.c_str());
    return lines.error().kind == ErrorKind::config  ? 78
           : lines.error().kind == ErrorKind::usage ? 64
                                                    : 75;
  }
  bool retry = false;
  for (const auto& line : *lines) {
    std::printf("%s\n", line.c_str());
    retry = retry || line.starts_with("failed ") || line.starts_with("later ") ||
            line.starts_with("error ");
  }
  return retry ? 75 : 0;
}

}  // namespace

int dmarc_command(Args args) {
  static constexpr std::array<OptionSpec, 5> kSpecs{{{"-c", "FILE"},
                                                     {"-o", "SECTION.KEY=VALUE"},
                                                     {"--day", "YYYY-MM-DD"},
                                                     {"--dry-run", ""},
                                                     {"--help", ""}}};
  auto options = scan_options(args, kSpecs, "mailroom dmarc");
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 64;
  }
  SendRequest request;
  std::vector<std::string> words;
  for (const auto& option : *options) {
    if (option.name == "--help") {
      print_usage("dmarc");
      return 0;
    }
    if (option.name == "--day") request.day = option.value;
    if (option.name == "--dry-run") request.dry_run = true;
    if (option.name.empty()) words.push_back(option.value);
  }
  if (words.size() != 1 || words[0] != "send") {
    print_usage("dmarc");
    return 64;
  }
  if (request.day && !dmarc_report::parse_day(*request.day)) {
    std::fprintf(stderr, "mailroom dmarc send: --day wants YYYY-MM-DD, not '%s'\n",
                 request.day->c_str());
    return 64;
  }
  auto config = config_from(*options);
  if (!config) {
    std::fprintf(stderr, "mailroom dmarc: %s\n", config.error().message.c_str());
    return 78;
  }
  return run_send(*config, request);
}

}  // namespace mailroom::cli
