// The delivery pipeline, in the order of DESIGN.md: envelope, user,
// privileges, Maildir, message, trace headers, authentication, targets,
// durable write, exit code. Each stage takes the result of the one before; none goes back.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "deliver/authenticate_stage.hpp"
#include "deliver/dmarc_report_stage.hpp"
#include "deliver/envelope.hpp"
#include "deliver/envelope_check.hpp"
#include "deliver/input.hpp"
#include "deliver/outgoing.hpp"
#include "deliver/privileges.hpp"
#include "deliver/sieve_outgoing.hpp"
#include "deliver/sieve_stage.hpp"
#include "deliver/spam_stage.hpp"
#include "deliver/store.hpp"
#include "deliver/trace_headers.hpp"
#include "deliver/users.hpp"
#include "deliver/watchdog.hpp"
#include "mailroom/deliver/deliver.hpp"
#include "mailroom/deliver/exit_code.hpp"
#include "mailroom/dns/caching_resolver.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/host.hpp"
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
  bool as_root = false;        // started as root: global scripts must be trusted
  std::string sieve_note{};    // which scripts ran and what else they did, for the log
  std::size_t sent = 0;        // messages sent: redirects, vacation replies, notifications
  std::optional<LazyTrackingStore> tracking{};  // sieve.store, when scripts run
  std::string spam_note{};                      // "SCL 7 score=7.1 tests=...", for the log
  std::optional<spam::SpamVerdict> spam{};      // for Sieve's spamtest; nullopt: spam off
  OutgoingKeys keys{};  // arc_seal.key, srs.secret_file: opened before privileges drop
  std::optional<double> trusted_spam_score{};  // sieve.trusted_spam_header's, as it arrived
  dmarc_report::Recorder dmarc_records{};      // dmarc_report.spool's day file, opened as root
  StageTimes* stages = nullptr;                // filled as the stages run (Outcome::stages)
  // dmarc_report.spool's failure reports (failure_reports), opened as root.
  dmarc_report::FailureRecorder dmarc_failures{};
};

// Adds the time from its making to its end to a stage's total (a stage
// may run more than once: a copy per fileinto is one store, each run counts).
class StageTimer {
 public:
  explicit StageTimer(std::optional<std::chrono::microseconds>& total) : total_(total) {}
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;
  ~StageTimer() {
    auto spent = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
    total_ = total_.value_or(std::chrono::microseconds{0}) + spent;
  }

 private:
  std::optional<std::chrono::microseconds>& total_;
  Clock::time_point started_ = Clock::now();
};

Result<MailUser> find_user(const Request& request, const Config& config) {
  if (request.looked_up) return *request.looked_up;
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

Result<Input> read_request_input(const Request& request, const InputLimits& limits,
                                 const std::string& spool_dir) {
  if (request.input_bytes) return read_message(*request.input_bytes, limits, spool_dir);
  auto fd = open_input(request);
  if (!fd) return tl::unexpected(fd.error());
  return read_message(fd->get(), limits, spool_dir);
}

Result<Input> read_input(const Request& request, const Context& context, const Store& store) {
  InputLimits limits{context.config.deliver.max_message_size,
                     context.config.deliver.spool_threshold, request.from_line};
  return read_request_input(request, limits, store.spool_directory());
}

// Where keep goes (and all of the message without scripts): -m, else
// deliver.default_folder, as dovecot-lda.
KeepFolder keep_folder(const Context& context) {
  if (!context.envelope.folder.empty())
    return {context.envelope.folder, "-m " + context.envelope.folder};
  return {context.config.deliver.default_folder, "default folder"};
}

std::vector<Target> choose_targets(const Context& context) {
  auto keep = keep_folder(context);
  return {{keep.folder, "", keep.why}};
}

// Appends the pieces up to the blank line that ends the header block (as
// hide_forged_spam_score finds it), in bounded chunks: a piece may be the
// whole 20 MB message. Everything when there is no blank line.
void append_header_block(std::string& text, std::span<const std::string_view> pieces,
                         std::size_t ours) {
  constexpr std::size_t kChunk = std::size_t{16} * 1024;
  // From the last line ending of our own fields: a message whose header
  // block is empty starts with the blank line.
  const std::size_t from = ours == 0 ? 0 : ours - 1;
  for (auto piece : pieces) {
    for (std::size_t at = 0; at < piece.size(); at += kChunk) {
      const std::size_t searched = std::max(text.size() < 3 ? 0 : text.size() - 3, from);
      text += piece.substr(at, kChunk);
      std::size_t end = text.find("\n\n", searched);
      if (std::size_t crlf = text.find("\r\n\r\n", searched); crlf < end) end = crlf;
      if (end == std::string::npos) continue;
      text.resize(end + (text[end] == '\n' ? 2 : 4));
      return;
    }
  }
}

// The text scripts see: the message as it will be stored, our trace and
// Authentication-Results fields on top (issue 13), an incoming
// X-Mailroom-Spam-Score renamed. Made only when there are scripts, and of
// the header block alone when none of them reads the body (needs.hpp): a
// 20 MB message was copied whole for a Subject rule (+20 MB RSS, +5100
// page faults). `size` is what the whole would measure.
std::string script_view(std::span<const std::string_view> pieces, std::size_t ours, bool whole,
                        std::size_t& size) {
  std::string text;
  std::size_t all = 0;
  for (auto piece : pieces) all += piece.size();
  if (whole) {
    text.reserve(all);
    for (auto piece : pieces) text += piece;
  } else {
    append_header_block(text, pieces, ours);
  }
  const std::size_t copied = text.size();
  hide_forged_spam_score(text, ours);
  size = all + (text.size() - copied);  // the renaming lengthens the text
  return text;
}

SieveDecision run_sieve(Context& context, const Store& store,
                        const std::vector<ScriptFile>& scripts,
                        std::span<const std::string_view> pieces, std::size_t ours) {
  StageTimer timer(context.stages->sieve);
  auto loaded = load_scripts(scripts);
  sieve::RunOptions options;
  auto text = script_view(pieces, ours, scripts_read_body(loaded), options.message_size.emplace());
  auto view = message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text))));
  const auto& envelope = context.envelope;
  sieve::Envelope sieve_envelope{envelope.sender.value_or(""), envelope.original_recipient};
  options.detail_separators = std::string(1, context.config.deliver.detail_separator);
  options.limits.max_redirects = context.config.sieve.max_redirects;
  options.mailbox_exists = [&store](std::string_view name) { return store.has_folder(name); };
  context.tracking.emplace(context.config.sieve, context.user);
  // RFC 7352: the run only reads the store; carry_out records the ids.
  options.duplicate_seen = [&context](std::string_view key) {
    TrackingStore* tracking = context.tracking->get();
    if (tracking == nullptr) return false;
    auto live = tracking->live(key, std::time(nullptr));
    return live && *live;
  };
  options.special_use_folder =
      sieve::special_use_map(context.config.maildir.special_use, options.mailbox_exists);
  if (auto untrusted =
          set_include_dirs(context.config.sieve, context.user, context.as_root, options);
      !untrusted.empty())
    log::warn("sieve.global_dir not used: {}", untrusted);
  set_sieve_context(context.config.sieve, context.user, envelope, options);
  // RFC 5235: a trusted upstream score wins, as it does for
  // X-Mailroom-Spam-Score; else the spam stage's verdict.
  if (context.trusted_spam_score) {
    options.spam = sieve::spam_verdict(*context.trusted_spam_score);
  } else if (context.spam) {
    options.spam = sieve::TestVerdict{spam::spamtest_level(*context.spam),
                                      spam::spamtest_percent(*context.spam)};
  }
  auto runs = run_loaded(loaded, view, sieve_envelope, options);
  auto decision = decide(runs, keep_folder(context));
  context.sieve_note = scripts_text(runs);
  for (const auto& error : decision.errors)
    log::warn("sieve error, implicit keep to INBOX: user={} {}", context.user.name, error);
  log_script_errors(context.config.sieve, context.user, decision.errors);
  return decision;
}

// redirect after the copies are safe: a failure is a tempfail only when
// nothing was delivered (else the MTA's retry would store a second copy).
Status send_redirects(Context& context, const message::Message& message,
                      const SieveDecision& decision, std::span<const std::string_view> body_pieces,
                      bool stored, bool& sent) {
  // The message without our added fields, forged A-R fields renamed: one
  // piece (a view of the input) unless something was renamed.
  std::string joined;
  if (body_pieces.size() > 1)
    for (auto piece : body_pieces) joined += piece;
  std::string_view body = body_pieces.size() == 1 ? body_pieces[0] : std::string_view(joined);
  std::size_t count = 0;
  std::optional<Outgoing> outgoing;  // the same SRS sender and ARC set for every copy
  for (const auto& redirect : decision.redirects) {
    if (++count > context.config.sieve.max_redirects ||
        context.sent >= context.config.sieve.max_outgoing) {
      log::warn("redirect to {} dropped ({}): more than sieve.max_redirects or sieve.max_outgoing",
                redirect.address, redirect.why);
      continue;
    }
    if (!outgoing)
      outgoing = prepare_outgoing(context.config, context.keys, message,
                                  context.envelope.sender.value_or(""),
                                  context.config.auth.enabled ? &context.auth : nullptr);
    auto done =
        send_redirect(context.config.sieve, message, outgoing->sender,
                      context.envelope.final_recipient, redirect.address, outgoing->head, body);
    if (done) {
      sent = true;
      ++context.sent;
      context.sieve_note +=
          "; redirected to <" + redirect.address + "> by " + redirect.why + outgoing->note;
      continue;
    }
    if (!stored && !sent && done.error().kind == ErrorKind::temporary) return done;
    log::warn("redirect to {} ({}) not sent: {}", redirect.address, redirect.why,
              done.error().message);
  }
  return ok();
}

// SPF, DKIM, DMARC and ARC. The resolver reads its servers at the first
// query only, every query ends within auth.dns_budget (a timeout or SERVFAIL is a
// temperror in the results, never an error here), and the cache lives for
// this one message.
AuthStageResult authenticate(const Context& context, const message::Message& message) {
  const auto& config = context.config.auth;
  std::optional<StageTimer> timer;
  if (config.enabled) timer.emplace(context.stages->authentication);
  DeliveryResolver network(resolver_options(config));
  dns::CachingResolver cache(network);
  return authenticate_stage(message, context.envelope, config, cache, AuthPurpose::deliver);
}

long elapsed_ms(const Context& context) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - context.started)
          .count());
}

void log_delivery(const Context& context, const message::Message& message,
                  const StoreReport& report) {
  for (const auto& warning : report.warnings) log::warn("{}", warning);
  if (!log::enabled(log::Level::info)) return;  // its fields are not built for nothing
  log::info(
      "delivered: msgid={} from=<{}> to=<{}> user={} folder={} detail={} why=\"{}\" "
      "sieve=\"{}\" auth=\"{}\" spam=\"{}\" size={} time={}ms",
      message.value("Message-ID"), context.envelope.sender.value_or(""),
      context.envelope.final_recipient, context.user.name, report.folders_text(),
      context.envelope.detail, report.why_text(), context.sieve_note, context.auth_summary,
      context.spam_note, report.bytes, elapsed_ms(context));
}

Outcome failed(const Context* context, const Error& error) {
  int code = exit_code_for(error.kind);
  std::string to = context != nullptr ? context->envelope.final_recipient : "";
  log::at(code == kExitTempFail ? log::Level::warn : log::Level::error,
          "not delivered (exit {}): to=<{}> {}", code, to, error.message);
  return {code, error.message, enhanced_status_for(error.kind, error.sys_errno)};
}

Result<StoreReport> save_copies(const message::Message& message, Store& store,
                                const std::vector<Target>& targets,
                                std::span<const std::string_view> pieces) {
  const message::Buffer& buffer = *message.buffer();
  return store.save(targets, pieces, {buffer.bytes(), buffer.file()});
}

Outcome store_copies(Context& context, const message::Message& message, Store& store,
                     const std::vector<Target>& targets, std::span<const std::string_view> pieces) {
  auto report = [&] {
    StageTimer timer(context.stages->store);
    return save_copies(message, store, targets, pieces);
  }();
  if (!report) return failed(&context, report.error());
  log_delivery(context, message, *report);
  return {kExitOk, {}};
}

// RFC 5429 §2.1: while the MTA can still refuse, refusing is right: exit
// 77 with the reason, which the MTA puts in its bounce (5.7.1).
Outcome refuse(Context& context, const SieveDecision& decision) {
  std::string reason = *decision.reject;
  for (char& c : reason)
    if (c == '\r' || c == '\n') c = ' ';
  log::info("sieve {}: sieve=\"{}\"", decision.reject_why, context.sieve_note);
  return failed(&context, Error{ErrorKind::rejected, reason.empty() ? "rejected" : reason});
}

// After the delivery succeeded: vacation replies and notifications are
// sent (RFC 5230, RFC 5435) and duplicate ids recorded (RFC 7352 §3.1).
void after_delivery(Context& context, const message::Message& message, Store& store,
                    const SieveDecision& decision) {
  if (!context.tracking) return;
  const std::time_t now = std::time(nullptr);
  sieve::Delivery delivery{context.envelope.sender.value_or(""), context.envelope.final_recipient,
                           context.envelope.original_recipient, now, host_name()};
  Responder responder{context.config.sieve, store, *context.tracking, delivery, context.sent,
                      context.sieve_note};
  send_responses(responder, message, decision.sends);
  record_duplicates(*context.tracking, decision.duplicates, now);
}

// Copies first, then redirects; a message that neither a copy, a redirect
// nor a discard took goes to INBOX: mail is never lost to a script.
Outcome carry_out(Context& context, const message::Message& original, Store& store,
                  const SieveDecision& decision, std::span<const std::string_view> pieces) {
  if (decision.reject) return refuse(context, decision);
  // RFC 5293: the edited message is what is stored and redirected.
  std::optional<message::Message> edited;
  std::string_view edited_text[1];
  if (decision.message) {
    edited = message::Message::parse(
        std::make_shared<const message::Buffer>(message::Buffer::from_string(*decision.message)));
    edited_text[0] = edited->raw();
    pieces = edited_text;
  }
  const message::Message& message = edited ? *edited : original;
  std::optional<StoreReport> report;
  if (!decision.targets.empty()) {
    auto saved = save_copies(message, store, decision.targets, pieces);
    if (!saved) return failed(&context, saved.error());
    report = std::move(*saved);
  }
  bool sent = false;
  if (auto redirected =
          send_redirects(context, message, decision, pieces.subspan(1), report.has_value(), sent);
      !redirected)
    return failed(&context, redirected.error());
  if (report || sent || decision.discarded) after_delivery(context, message, store, decision);
  if (report) {
    log_delivery(context, message, *report);
    return {kExitOk, {}};
  }
  if (sent || decision.discarded) {
    log::info("{}: msgid={} to=<{}> user={} sieve=\"{}\" why=\"{}\"",
              sent ? "redirected" : "discarded", message.value("Message-ID"),
              context.envelope.final_recipient, context.user.name, context.sieve_note,
              decision.discard_why);
    return {kExitOk, {}};
  }
  auto outcome =
      store_copies(context, message, store, {{"INBOX", "", "redirect not possible"}}, pieces);
  if (outcome.exit_code == kExitOk) after_delivery(context, message, store, decision);
  return outcome;
}

// A bounce to one of our SRS addresses (a redirect of ours came back):
// no mailbox, it goes on to the original sender, or is refused (77) when
// the address is forged or too old.
Outcome bounce_to_srs_address(const Request& request, Context& context) {
  const auto& config = context.config;
  InputLimits limits{config.deliver.max_message_size, config.deliver.max_message_size,
                     request.from_line};
  auto input = read_request_input(request, limits, "/tmp");
  if (!input) return failed(&context, input.error());
  std::string sender = context.envelope.sender.value_or(input->from_line_sender.value_or(""));
  std::string original;
  auto sent = return_bounce(config, context.keys, context.envelope.final_recipient, sender,
                            input->buffer->bytes(), original);
  if (!sent) return failed(&context, sent.error());
  log::info("SRS bounce returned: from=<{}> to=<{}> original=<{}> time={}ms", sender,
            context.envelope.final_recipient, original, elapsed_ms(context));
  return {kExitOk, {}};
}

Outcome run(const Request& request, const Config& config, StageTimes& stages) {
  watchdog::arm(config.deliver.deadline);
  Context context{config, make_envelope(request, process_env, config.deliver.detail_separator), {}};
  context.stages = &stages;
  if (auto clean = check_envelope(context.envelope); !clean) {
    context.envelope = {};  // the log line must not repeat what was refused
    return failed(&context, clean.error());
  }
  const uid_t effective_uid = ::geteuid();  // asked once: an LMTP session delivers again and again
  if (auto trusted = check_trusted_configuration(config, effective_uid); !trusted)
    return failed(&context, trusted.error());
  auto user = find_user(request, config);
  if (!user) return failed(&context, user.error());
  context.user = std::move(*user);
  context.as_root = effective_uid == 0 || request.dropped_from_root;
  context.keys = open_outgoing_keys(config);
  context.dmarc_records = open_dmarc_recorder(config);
  context.dmarc_failures = open_dmarc_failures(config);
  if (auto dropped = become_user(context.user, config.users.allow_gid_0); !dropped)
    return failed(&context, dropped.error());
  if (is_our_srs_address(config.srs, context.envelope.final_recipient))
    return bounce_to_srs_address(request, context);

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
  auto spam = [&] {
    std::optional<StageTimer> timer;
    if (config.spam.enabled) timer.emplace(stages.spam);
    return spam_stage(config, context.user, message, context.auth, context.envelope);
  }();
  context.spam_note = spam.log_text;
  context.spam = spam.verdict;
  context.trusted_spam_score = trusted_spam_score(message, config.sieve.trusted_spam_header);
  auto scripts = find_scripts(config.sieve, context.user, context.as_root);
  if (!scripts) return failed(&context, scripts.error());
  std::string added = *trace + auth.added_header + spam.fields;
  // A score the administrator trusts from upstream wins over ours.
  auto trusted =
      scripts->empty() ? "" : spam_score_field(message, config.sieve.trusted_spam_header);
  added += trusted.empty() ? spam.score_field : trusted;
  std::vector<std::string_view> pieces{added};
  auto stored =
      spam.verdict ? hide_incoming_spam_fields(message, auth.message_pieces,
                                               config.sieve.trusted_spam_header, spam.renamed_names)
                   : auth.message_pieces;
  pieces.insert(pieces.end(), stored.begin(), stored.end());
  if (scripts->empty()) {
    context.sieve_note = no_scripts_text(config.sieve, context.user);
    return dmarc_after_delivery(
        store_copies(context, message, *store, choose_targets(context), pieces),
        {config, context.envelope, context.user.home, context.user.name, message, context.auth,
         context.dmarc_records, context.dmarc_failures});
  }
  return dmarc_after_delivery(
      carry_out(context, message, *store,
                run_sieve(context, *store, *scripts, pieces, added.size()), pieces),
      {config, context.envelope, context.user.home, context.user.name, message, context.auth,
       context.dmarc_records, context.dmarc_failures});
}

}  // namespace

Outcome deliver(const Request& request, const Config& config) noexcept {
  // The last line of defence: whatever escaped a stage becomes a tempfail,
  // so the MTA keeps the message (Dovecot lda/main.c does the same).
  try {
    StageTimes stages;
    auto outcome = run(request, config, stages);
    outcome.stages = stages;
    return outcome;
  } catch (const std::bad_alloc&) {
    return failed(nullptr, Error{ErrorKind::temporary, "out of memory"});
  } catch (const std::exception& e) {
    return failed(nullptr, Error{ErrorKind::internal, std::string("internal error: ") + e.what()});
  } catch (...) {
    return failed(nullptr, Error{ErrorKind::internal, "internal error"});
  }
}

}  // namespace mailroom::deliver
