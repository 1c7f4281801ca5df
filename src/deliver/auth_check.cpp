// `mailroom auth check` (include/mailroom/deliver/auth_check.hpp): the
// message read as `deliver` reads it, the same stage, and the results in
// words, with one addition a person needs: whether DNS worked at all here.
#include "mailroom/deliver/auth_check.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "deliver/authenticate_stage.hpp"
#include "deliver/envelope.hpp"
#include "deliver/input.hpp"
#include "mailroom/dns/caching_resolver.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::deliver {
namespace {

// Counts what DNS really answered (NXDOMAIN and "no record" included) and
// keeps the first failure, so the report can tell "the sender publishes
// nothing" from "we could not ask" (issue 11).
class WatchingResolver final : public dns::Resolver {
 public:
  explicit WatchingResolver(dns::Resolver& inner) : inner_(inner) {}
  Result<dns::Answer> query(std::string_view name, dns::RecordType type,
                            dns::Deadline deadline) override {
    auto answer = inner_.query(name, type, deadline);
    if (answer) {
      ++answered_;
    } else if (answer.error().kind != ErrorKind::parse) {
      ++failed_;
      if (first_failure_.empty()) first_failure_ = answer.error().message;
    }
    return answer;
  }
  void send_ahead(std::string_view name, dns::RecordType type) override {
    inner_.send_ahead(name, type);
  }
  void while_waiting(std::function<void()> work) override { inner_.while_waiting(std::move(work)); }

  [[nodiscard]] int answered() const { return answered_; }
  [[nodiscard]] int failed() const { return failed_; }
  [[nodiscard]] const std::string& first_failure() const { return first_failure_; }

 private:
  dns::Resolver& inner_;
  int answered_ = 0;
  int failed_ = 0;
  std::string first_failure_;
};

// The message as `deliver` reads it: CRLF -> LF, an mbox From_ line removed.
Result<Input> read_message_file(const std::string& path, const Config& config) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(ErrorKind::usage, "cannot open " + path, errno);
  InputLimits limits{config.deliver.max_message_size, config.deliver.spool_threshold};
  return read_message(fd.get(), limits, "/tmp");
}

std::string servers_asked(const AuthCheckRequest& request, const Config& config) {
  if (!request.dns_server.empty()) return request.dns_server;
  if (!config.auth.dns_server.empty()) return config.auth.dns_server;
  return "the name servers of /etc/resolv.conf";
}

// When no lookup was answered, every temperror below is ours: say so first,
// with the server, before anyone edits a DNS zone because of it.
std::vector<std::string> dns_note(const WatchingResolver& watch, const std::string& servers) {
  if (watch.failed() == 0 || watch.answered() > 0) return {};
  return {"DNS: none of " + std::to_string(watch.failed()) + " lookups was answered by " + servers +
              " (" + watch.first_failure() + ")",
          "  the lookups failed here, not at the sender: the temperror results below say "
          "nothing about the sender's records; check --dns / auth.dns_server"};
}

AuthCheckReport run(const AuthCheckRequest& request, Config& config, const Input& input) {
  Envelope envelope;
  envelope.client_address = request.client_ip;
  envelope.client_helo = request.helo;
  envelope.sender =
      request.sender ? std::optional(normalize_sender(*request.sender)) : input.from_line_sender;
  auto message = message::Message::parse(input.buffer);
  config.auth.enabled = true;  // asked for explicitly
  DeliveryResolver network(resolver_options(config.auth, request.dns_server));
  dns::CachingResolver cache(network);
  WatchingResolver watch(cache);
  auto stage = authenticate_stage(message, envelope, config.auth, watch);
  AuthCheckReport report;
  report.lines = dns_note(watch, servers_asked(request, config));
  for (auto& line : stage.results.explanation) report.lines.push_back(std::move(line));
  for (auto& line : auth::explain(stage.results)) report.lines.push_back(std::move(line));
  report.results = std::move(stage.results);
  return report;
}

}  // namespace

Result<AuthCheckReport> check_message_file(const AuthCheckRequest& request,
                                           Config config) noexcept {
  try {
    auto input = read_message_file(request.message_path, config);
    if (!input) return tl::unexpected(input.error());
    return run(request, config, *input);
  } catch (const std::exception& e) {  // out of memory: no exception leaves the module
    return fail(ErrorKind::internal, std::string("auth check aborted: ") + e.what());
  }
}

}  // namespace mailroom::deliver
