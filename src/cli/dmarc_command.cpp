// `mailroom dmarc send [--day YYYY-MM-DD] [--dry-run]`: the DMARC aggregate
// reports of the recorded days (mailroom-dmarc(8)). Prints one line per
// report; exit 0 when every report due was sent (or needs no sending), 75
// when one must be retried (the next run does), 64 usage, 78 configuration.
// `mailroom dmarc summary [--domain D] [--since DATE] [--json] [--store DIR]
// [--no-dns] [--html FILE]`: the reports received, per source and reporter,
// with advice; --html writes them as one self-contained page besides.
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mailroom/auth/psl.hpp"
#include "mailroom/deliver/sendmail.hpp"
#include "mailroom/dmarc_report/received_store.hpp"
#include "mailroom/dmarc_report/send.hpp"
#include "mailroom/dmarc_report/summary.hpp"
#include "mailroom/dns/stub_resolver.hpp"
#include "mailroom/util/host.hpp"
#include "mailroom/util/passwd.hpp"

namespace mailroom::cli {
namespace {

struct SendRequest {
  std::optional<std::string> day;
  bool dry_run = false;
  // summary
  std::string domain;
  std::optional<std::string> since;
  std::string store;
  bool json = false;
  bool no_dns = false;
  std::string html;  // --html FILE
};

dns::StubOptions stub_options(const Config& config) {
  dns::StubOptions dns;
  dns.servers = config.auth.dns_server;
  dns.query_timeout = config.auth.dns_timeout;
  return dns;
}

// The PTR name of `ip`, "" when it has none or DNS does not answer.
std::string reverse_name(dns::Resolver& resolver, const std::string& ip) {
  auto address = dns::IpAddress::parse(ip);
  if (!address) return {};
  auto answer = resolver.query(address->reverse_name(), dns::RecordType::ptr,
                               dns::Deadline::after(std::chrono::seconds(2)));
  return answer && !answer->names.empty() ? answer->names.front() : std::string();
}

// `page` into `path` whole or not at all: written beside it, then renamed.
bool write_page(const std::string& path, const std::string& page) {
  const std::string temporary = path + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "w");
  if (file == nullptr) return false;
  const bool written = std::fwrite(page.data(), 1, page.size(), file) == page.size();
  if (std::fclose(file) != 0 || !written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

int run_summary(const Config& config, const SendRequest& request) {
  std::string store = request.store;
  if (store.empty()) {
    const char* home = std::getenv("HOME");
    const char* user = std::getenv("USER");
    store =
        expand_user_path(config.dmarc_report.received_store, home ? home : "", user ? user : "");
  }
  std::int64_t since = 0;
  if (request.since) since = *dmarc_report::parse_day(*request.since);
  auto rows = dmarc_report::load_rows(store, request.domain, since);
  if (!rows) {
    std::fprintf(stderr, "mailroom dmarc summary: %s\n", rows.error().message.c_str());
    return 66;
  }
  dns::StubResolver resolver(stub_options(config));
  std::function<std::string(const std::string&)> names;
  if (!request.no_dns)
    names = [&resolver](const std::string& ip) { return reverse_name(resolver, ip); };
  auto summary = dmarc_report::summarize(*rows, names);
  auto text =
      request.json ? dmarc_report::summary_json(summary) : dmarc_report::summary_text(summary);
  std::fputs(text.c_str(), stdout);
  if (!request.html.empty() &&
      !write_page(request.html, dmarc_report::summary_html(summary, *rows))) {
    std::fprintf(stderr, "mailroom dmarc summary: cannot write %s: %s\n", request.html.c_str(),
                 std::strerror(errno));
    return 73;
  }
  return 0;
}

int run_send(const Config& config, const SendRequest& request) {
  dns::StubResolver resolver(stub_options(config));
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
  options.failure_reports = report.failure_reports;
  options.failures_per_hour = report.failure_reports_per_hour;
  // The Redis client writes with write(2): a server gone must be an error
  // value, not a SIGPIPE (mailroom/redis/client.hpp).
  if (!report.redis.empty()) (void)std::signal(SIGPIPE, SIG_IGN);
  options.merge.url = report.redis;
  options.merge.prefix = report.redis_prefix;
  options.merge.timeout = report.redis_timeout;
  options.merge.host = report.host_id.empty() ? host_name() : report.host_id;
  options.merge.hosts = report.merge_hosts;
  options.merge.grace =
      std::chrono::duration_cast<std::chrono::seconds>(report.merge_grace).count();
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
  static constexpr std::array<OptionSpec, 12> kSpecs{{{"-c", "FILE"},
                                                      {"-o", "SECTION.KEY=VALUE"},
                                                      {"--day", "YYYY-MM-DD"},
                                                      {"--dry-run", ""},
                                                      {"--domain", "DOMAIN"},
                                                      {"--since", "YYYY-MM-DD"},
                                                      {"--json", ""},
                                                      {"--store", "DIR"},
                                                      {"--no-dns", ""},
                                                      {"--html", "FILE"},
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
    if (option.name == "--domain") request.domain = option.value;
    if (option.name == "--since") request.since = option.value;
    if (option.name == "--json") request.json = true;
    if (option.name == "--store") request.store = option.value;
    if (option.name == "--no-dns") request.no_dns = true;
    if (option.name == "--html") request.html = option.value;
    if (option.name.empty()) words.push_back(option.value);
  }
  if (words.size() != 1 || (words[0] != "send" && words[0] != "summary")) {
    print_usage("dmarc");
    return 64;
  }
  if (request.since && !dmarc_report::parse_day(*request.since)) {
    std::fprintf(stderr, "mailroom dmarc summary: --since wants YYYY-MM-DD, not '%s'\n",
                 request.since->c_str());
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
  return words[0] == "send" ? run_send(*config, request) : run_summary(*config, request);
}

}  // namespace mailroom::cli
