#include "deliver/sieve_outgoing.hpp"

#include "deliver/sendmail.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::deliver {
namespace {

// RFC 8580 §4: a copy of what was sent, stored as fileinto would store it
// (:create, :flags); never the retry record's copy.
void store_fcc(Responder& r, const sieve::Action& action, const std::string& text) {
  if (!action.fcc) return;
  Target target{action.fcc->folder, "", "fcc of " + std::string(sieve::to_string(action.kind))};
  split_flags(action.fcc->flags, target.flags, target.keywords);
  target.create = action.fcc->create;
  auto saved = r.store.save_sent(target, text);
  if (!saved) {
    log::warn("sieve fcc to {} not stored: {}", action.fcc->folder, saved.error().message);
    return;
  }
  for (const auto& warning : saved->warnings) log::warn("sieve fcc: {}", warning);
}

bool send(Responder& r, const SendRequest& request, const sieve::Outgoing& out) {
  auto done = run_sendmail(r.config.sendmail, out.envelope_from, out.recipients, {}, out.text);
  if (!done) {
    log::warn("sieve {} not sent: {}", request.why, done.error().message);
    return false;
  }
  ++r.sent;
  store_fcc(r, request.action, out.text);
  return true;
}

// Why this vacation reply may not go, or "" (RFC 3834, RFC 5230 §4.2).
std::string vacation_blocked(Responder& r, const message::Message& message,
                             const sieve::Action& action, TrackingStore* tracking) {
  if (auto refusal = sieve::vacation_refusal(message, *action.vacation, r.delivery);
      !refusal.empty())
    return refusal;
  // §4.2: without a record of whom we answered, the interval cannot hold.
  if (tracking == nullptr) return "no response store (sieve.store)";
  auto live =
      tracking->live(sieve::vacation_key(*action.vacation, r.delivery.sender), r.delivery.now);
  if (!live) return "response store: " + live.error().message;
  if (*live) return "already answered <" + r.delivery.sender + "> within the interval";
  return {};
}

void vacation(Responder& r, const message::Message& message, const SendRequest& request) {
  const auto& action = request.action;
  TrackingStore* tracking = r.tracking.get();
  if (auto blocked = vacation_blocked(r, message, action, tracking); !blocked.empty()) {
    r.note += "; vacation not sent (" + blocked + ")";
    return;
  }
  if (!send(r, request, sieve::vacation_reply(message, action, r.delivery))) return;
  r.note += "; vacation reply to <" + r.delivery.sender + "> by " + request.why;
  const auto key = sieve::vacation_key(*action.vacation, r.delivery.sender);
  const auto expires = r.delivery.now + static_cast<std::time_t>(action.vacation->seconds);
  if (auto put = tracking->put(key, expires, r.delivery.now); !put)
    log::warn("vacation reply to {} not recorded: {}", r.delivery.sender, put.error().message);
}

void notify(Responder& r, const message::Message& message, const SendRequest& request) {
  if (auto refusal = sieve::notify_refusal(message, r.delivery); !refusal.empty()) {
    r.note += "; notify not sent (" + refusal + ")";
    return;
  }
  auto out = sieve::mailto_notification(message, request.action, r.delivery);
  if (out.recipients.empty()) return;
  if (send(r, request, out)) r.note += "; notified " + request.action.target;
}

}  // namespace

LazyTrackingStore::LazyTrackingStore(const SieveConfig& config, const MailUser& user) {
  if (config.store.empty() || (config.store[0] == '~' && user.home.empty())) return;
  path_ = expand_user_path(config.store, user.home, user.name);
}

TrackingStore* LazyTrackingStore::get() {
  if (!tried_ && !path_.empty()) {
    tried_ = true;
    auto opened = TrackingStore::open(path_);
    if (opened) {
      store_ = std::move(*opened);
    } else {
      log::warn("sieve store not used: {}", opened.error().message);
    }
  }
  return store_ ? &*store_ : nullptr;
}

void send_responses(Responder& r, const message::Message& message,
                    const std::vector<SendRequest>& sends) {
  for (const auto& request : sends) {
    if (r.sent >= r.config.max_outgoing) {
      log::warn("sieve {} dropped: more than sieve.max_outgoing ({}) messages", request.why,
                r.config.max_outgoing);
      r.note += "; " + request.why + " dropped (sieve.max_outgoing)";
      continue;
    }
    if (request.action.kind == sieve::ActionKind::vacation) {
      vacation(r, message, request);
    } else {
      notify(r, message, request);
    }
  }
}

void record_duplicates(LazyTrackingStore& tracking, const std::vector<sieve::DuplicateMark>& marks,
                       std::time_t now) {
  if (marks.empty()) return;
  TrackingStore* store = tracking.get();
  if (store == nullptr) return;
  for (const auto& mark : marks)
    if (auto put = store->put(mark.key, now + static_cast<std::time_t>(mark.seconds), now); !put)
      log::warn("duplicate id not recorded: {}", put.error().message);
}

}  // namespace mailroom::deliver
