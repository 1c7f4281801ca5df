// Long-lived delivery workers, one per recipient uid and gid, for one LMTP
// session (mailroom-lmtp(8), "Privileges"). A worker is forked by the
// session (root), drops to the uid and gid once, before it reads any
// request, and then runs deliver's pipeline for each recipient it is sent:
// the envelope in a datagram (lmtp/worker_wire.hpp), with the message
// when it is small, else a sealed memfd (SCM_RIGHTS) it cannot change.
// This saves the fork, the exit and the copy-on-write faults of a process
// per recipient.
//
// A worker that dies (crash, kill, deadline) fails only the recipients it
// had been sent, with 451 4.3.0, and the next recipient of its uid gets a
// new worker. A reply is 2xx only when the worker's report says delivered.
// Workers are retired after kMaxDeliveries or kMaxIdle, or beyond kMaxKept
// after a transaction, and end when the session ends (their socket closes).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lmtp/counters.hpp"
#include "lmtp/delivery.hpp"
#include "lmtp/protocol.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::lmtp {

// Whether a request went to its worker; `busy`: its queue is full.
enum class Sent { yes, no, busy };

class WorkerPool {
 public:
  static constexpr std::size_t kMaxDeliveries = 1000;
  static constexpr std::chrono::seconds kMaxIdle{60};
  // Workers kept between transactions, the most recently used: a session
  // that delivers to many users must not keep a process for each of them
  // (a process per recipient ended with its delivery).
  static constexpr std::size_t kMaxKept = 4;

  // Whether deliveries under `config` may run in a worker: only when
  // nothing that deliver opens as root before it drops privileges is
  // configured (arc_seal, srs, dmarc_report.spool); else a process per
  // recipient (delivery.cpp) keeps opening those as root.
  [[nodiscard]] static bool usable(const Config& config);

  WorkerPool(const Config& config, Counters* counters) : config_(config), counters_(counters) {}
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();  // closes every worker's socket and reaps it

  // One reply per recipient of `message`, in order. Recipients of
  // different uids are delivered side by side, those of one uid one after
  // the other by its worker. The message goes in each request
  // (kMaxInlineMessage), else as one sealed memfd (lmtp/message_file.hpp).
  // Each recipient's user is the one check_recipient found (`looked_up`);
  // the worker is told it and does not look it up again.
  [[nodiscard]] std::vector<Reply> deliver(const Transaction& message, const LookedUp& looked_up);

 private:
  using Ids = std::pair<uid_t, gid_t>;
  struct Worker {
    pid_t pid = -1;
    UniqueFd channel;
    std::size_t sent = 0;     // requests over its life, for kMaxDeliveries
    std::size_t pending = 0;  // sent in this transaction, report not read yet
    std::chrono::steady_clock::time_point last_used{};
    bool dead = false;
    bool sliced = false;         // recv on channel times out each second (SO_RCVTIMEO)
    std::size_t max_inline = 0;  // the largest message sent in the request
  };

  Worker* worker_for(const Ids& ids, const std::string& user);
  Sent send(Worker& worker, const Transaction& message, const Recipient& recipient,
            const deliver::MailUser& user, int message_fd);
  Reply await(Worker& worker, const Recipient& recipient);
  void retire(Worker& worker);
  // After a transaction: dead workers forgotten, live ones beyond kMaxKept
  // retired, least recently used first.
  void trim();
  Reply lost(Worker& worker, const Recipient& recipient);

  const Config& config_;
  Counters* counters_;
  std::map<Ids, Worker> workers_;
};

}  // namespace mailroom::lmtp
