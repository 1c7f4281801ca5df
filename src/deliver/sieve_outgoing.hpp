// What the Sieve stage sends after a delivery: vacation replies (RFC 5230)
// and notifications (RFC 5435/5436), their :fcc copies (RFC 8580), and
// the duplicate ids it records (RFC 7352 §3.1). None of it can fail the
// delivery: a message not sent is logged with the reason.
#pragma once

#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "deliver/sieve_stage.hpp"
#include "deliver/store.hpp"
#include "deliver/tracking_store.hpp"
#include "deliver/users.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/outgoing.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::deliver {

// sieve.store for one user, opened at its first use (most deliveries
// never need it). A store that cannot be opened is logged once and
// behaves as none.
class LazyTrackingStore {
 public:
  LazyTrackingStore(const SieveConfig& config, const MailUser& user);
  TrackingStore* get();

 private:
  std::string path_;
  std::optional<TrackingStore> store_;
  bool tried_ = false;
};

struct Responder {
  const SieveConfig& config;
  Store& store;
  LazyTrackingStore& tracking;
  sieve::Delivery delivery;
  std::size_t& sent;  // messages this delivery has sent, redirects included
  std::string& note;  // the log line's sieve="..." part
};

// Sends each vacation and notify that the rules allow, within
// sieve.max_outgoing, and stores its :fcc copy.
void send_responses(Responder& responder, const message::Message& message,
                    const std::vector<SendRequest>& sends);

// RFC 7352 §3.1: the ids the duplicate tests saw, recorded now that the
// message was delivered.
void record_duplicates(LazyTrackingStore& tracking, const std::vector<sieve::DuplicateMark>& marks,
                       std::time_t now);

}  // namespace mailroom::deliver
