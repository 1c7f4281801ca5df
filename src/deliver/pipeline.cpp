// The delivery pipeline, in the order of DESIGN.md: envelope, user,
// privileges, Maildir, message, trace headers, authentication, targets,
// durable write, exit code. Each stage takes the result of the one before; none goes back.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <new>
#include <string_view>
#include <vector>

#include "deliver/authenticate_stage.hpp"
#include "deliver/envelope.hpp"
#include "deliver/envelope_check.hpp"
#include "deliver/input.hpp"
#include "deliver/privileges.hpp"
#include "deliver/store.hpp"
#include "deliver/trace_headers.hpp"
#include "deliver/users.hpp"
#include "deliver/watchdog.hpp"
#include "mailroom/deliver/deliver.hpp"
#include "mailroom/deliver/exit_code.hpp"
#include "mailroom/dns/caching_resolver.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/trust.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::deliver {
namespace {

using Clock = std::chrono::steady_clock;

struct Context {
  const Config& config;
  Envelope envelope;
  MailUser user;
  Clock::time_point started = Clock::now();
  auth::AuthResults auth{};    // for the spam and Sieve stages
  std::string auth_summary{};  // "spf=pass dkim=pass dmarc=pass", for the log
};

Result<MailUser> find_user(const Request& request, const Config& config) {
  if (request.user) return resolve_user(*request.user, config.users);
  if (::getuid() == 0)
    return fail(ErrorKind::usage, "running as root needs -d USER to know whose mail this is");
  return current_user(config.users);
}

Result<UniqueFd> open_input(const Request& request) {
  if (!request.input_path) return UniqueFd(::dup(STDIN_FILENO));
  int fd = ::open(request.input_path->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail_errno(ErrorKind::usage, "cannot open " + *request.input_path, errno);
  return UniqueFd(fd);
}

Result<Input> read_input(const Request& request, const Context& context, const Store& store) {
  auto fd = open_input(request);
  if (!fd) return tl::unexpected(fd.error());
  InputLimits limits{context.config.deliver.max_message_size,
                     context.config.deliver.spool_threshold};
  return read_message(fd->get(), limits, store.spool_directory());
}

// Until rules choose folders: -m, else deliver.default_folder.
std::vector<Target> choose_targets(const Context& context) {
  if (!context.envelope.folder.empty())
    return {{context.envelope.folder, "", "-m " + context.envelope.folder}};
  return {{context.config.deliver.default_folder, "", "default folder"}};
}

// SPF, DKIM, DMARC and ARC. The resolver reads its servers at the first
// query only, every query ends within auth.dns_budget (a timeout or SERVFAIL is a
// temperror in the results, never an error here), and the cache lives for
// this one message.
AuthStageResult authenticate(const Context& context, const message::Message& message) {
  const auto& config = context.config.auth;
  DeliveryResolver network(resolver_options(config));
  dns::CachingResolver cache(network);
  return authenticate_stage(message, context.envelope, config, cache);
}

long elapsed_ms(const Context& context) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - context.started)
          .count());
}

void log_delivery(const Context& context, const message::Message& message,
                  const StoreReport& report) {
  for (const auto& warning : report.warnings) log::warn("{}", warning);
  log::info(
      "delivered: msgid={} from=<{}> to=<{}> user={} folder={} detail={} why=\"{}\" auth=\"{}\" "
      "size={} time={}ms",
      message.value("Message-ID"), context.envelope.sender.value_or(""),
      context.envelope.final_recipient, context.user.name, report.folders_text(),
      context.envelope.detail, report.why_text(), context.auth_summary, report.bytes,
      elapsed_ms(context));
}

Outcome failed(const Context* context, const Error& error) {
  int code = exit_code_for(error.kind);
  std::string to = context != nullptr ? context->envelope.final_recipient : "";
  log::at(code == kExitTempFail ? log::Level::warn : log::Level::error,
          "not delivered (exit {}): to=<{}> {}", code, to, error.message);
  return {code, error.message, enhanced_status_for(error.kind, error.sys_errno)};
}

Outcome run(const Request& request, const Config& config) {
  watchdog::arm(config.deliver.deadline);
  Context context{config, make_envelope(request, process_env, config.deliver.detail_separator), {}};
  if (auto clean = check_envelope(context.envelope); !clean) {
    context.envelope = {};  // the log line must not repeat what was refused
    return failed(&context, clean.error());
  }
  if (auto trusted = check_trusted_configuration(config); !trusted)
    return failed(&context, trusted.error());
  auto user = find_user(request, config);
  if (!user) return failed(&context, user.error());
  context.user = std::move(*user);
  if (auto dropped = become_user(context.user, config.users.allow_gid_0); !dropped)
    return failed(&context, dropped.error());

  auto store = Store::open(context.user.maildir, config);
  if (!store) return failed(&context, store.error());
  if (auto room = store->check_quota(0); !room) return failed(&context, room.error());

  auto input = read_input(request, context, *store);
  if (!input) return failed(&context, input.error());
  if (!context.envelope.sender) context.envelope.sender = input->from_line_sender;
  auto message = message::Message::parse(input->buffer);
  if (store->recognise_retry(message, context.envelope.final_recipient)) return {kExitOk, {}};

  auto trace = trace_headers(message, context.envelope, config.deliver);
  if (!trace) return failed(&context, trace.error());
  if (auto room = store->check_quota(trace->size() + message.raw().size()); !room)
    return failed(&context, room.error());

  // After the loop and quota checks: a message refused there spends no DNS
  // time. Our Authentication-Results goes below Return-Path/Delivered-To
  // (RFC 8601 §5: above the fields it describes).
  auto auth = authenticate(context, message);
  context.auth = std::move(auth.results);
  context.auth_summary = std::move(auth.summary);
  std::string added = *trace + auth.added_header;
  std::vector<std::string_view> pieces{added};
  pieces.insert(pieces.end(), auth.message_pieces.begin(), auth.message_pieces.end());
  const message::Buffer& buffer = *message.buffer();
  auto report = store->save(choose_targets(context), pieces, {buffer.bytes(), buffer.file()});
  if (!report) return failed(&context, report.error());
  log_delivery(context, message, *report);
  return {kExitOk, {}};
}

}  // namespace

Outcome deliver(const Request& request, const Config& config) noexcept {
  // The last line of defence: whatever escaped a stage becomes a tempfail,
  // so the MTA keeps the message (Dovecot lda/main.c does the same).
  try {
    return run(request, config);
  } catch (const std::bad_alloc&) {
    return failed(nullptr, Error{ErrorKind::temporary, "out of memory"});
  } catch (const std::exception& e) {
    return failed(nullptr, Error{ErrorKind::internal, std::string("internal error: ") + e.what()});
  } catch (...) {
    return failed(nullptr, Error{ErrorKind::internal, "internal error"});
  }
}

}  // namespace mailroom::deliver
