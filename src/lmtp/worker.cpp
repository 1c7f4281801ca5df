#include "lmtp/worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "lmtp/delivery.hpp"
#include "lmtp/worker_process.hpp"
#include "lmtp/worker_wire.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::lmtp {
namespace {

const Reply kCrashed{451, "4.3.0", "delivery process crashed, try again later"};
constexpr timeval kReportSlice{1, 0};

// A descriptor of its own on the message (not the memfd's shared offset:
// workers of several uids read it side by side), read-only.
UniqueFd reopen(int message_fd) {
  const std::string path = "/proc/self/fd/" + std::to_string(message_fd);
  return UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
}

bool send_with_fd(int channel, const std::string& datagram, int fd) {
  OneDescriptorMessage message(const_cast<char*>(datagram.data()), datagram.size());
  msghdr& header = message.header;
  cmsghdr* c = CMSG_FIRSTHDR(&header);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  for (;;) {
    ssize_t n = ::sendmsg(channel, &header, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(datagram.size());
  }
}

WorkRequest request_for(const Transaction& message, const Recipient& recipient,
                        const deliver::MailUser& user) {
  return {recipient.user,      message.sender,      recipient.original,
          recipient.address,   message.client.addr, message.client.helo,
          message.client.name, user.home,           user.maildir};
}

// The user check_recipient found at RCPT TO; looked up again only when it
// is not there (it always is: a recipient is accepted only once found).
Result<deliver::MailUser> user_of(const Recipient& recipient, const LookedUp& looked_up,
                                  const Config& config) {
  if (const auto* found = looked_up_user(looked_up, recipient.user)) return *found;
  return deliver::find_recipient(recipient.user, config);
}

}  // namespace

bool WorkerPool::usable(const Config& config) {
  const bool dmarc_spool = config.auth.enabled && !config.dmarc_report.spool.empty();
  return config.arc_seal.domain.empty() && config.srs.domain.empty() && !dmarc_spool;
}

WorkerPool::~WorkerPool() {
  for (auto& [ids, worker] : workers_) retire(worker);
}

void WorkerPool::retire(Worker& worker) {
  worker.channel.reset();  // the worker reads the end and exits
  if (worker.pid > 0) {
    int status = 0;
    while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  worker.pid = -1;
  worker.dead = true;
}

void WorkerPool::trim() {
  std::erase_if(workers_, [](const auto& entry) { return entry.second.pid <= 0; });
  while (workers_.size() > kMaxKept) {
    auto oldest = workers_.begin();
    for (auto it = workers_.begin(); it != workers_.end(); ++it)
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    retire(oldest->second);
    workers_.erase(oldest);
  }
}

WorkerPool::Worker* WorkerPool::worker_for(const Ids& ids, const std::string& user) {
  auto& worker = workers_[ids];
  const auto now = std::chrono::steady_clock::now();
  if (worker.pending == 0 && worker.pid > 0 &&
      (worker.sent >= kMaxDeliveries || now - worker.last_used > kMaxIdle))
    retire(worker);
  if (worker.pid > 0 && !worker.dead) return &worker;
  if (worker.pending > 0) return nullptr;  // died in this transaction: no new one until it ends
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return nullptr;
  UniqueFd ours(pair[0]);
  UniqueFd theirs(pair[1]);
  // The report is waited for in a blocking recv that returns every second
  // to look at the deadline (no poll() before each: one system call less
  // a recipient); poll() only where the option is refused.
  const bool sliced =
      ::setsockopt(ours.get(), SOL_SOCKET, SO_RCVTIMEO, &kReportSlice, sizeof kReportSlice) == 0;
  pid_t pid = ::fork();
  if (pid == 0) run_worker(theirs.get(), ids.first, ids.second, user, config_, counters_);
  if (pid < 0) {
    log::error("lmtp: fork: {}", std::strerror(errno));
    return nullptr;
  }
  worker = Worker{pid, std::move(ours), 0, 0, now, false, sliced};
  return &worker;
}

bool WorkerPool::send(Worker& worker, const Transaction& message, const Recipient& recipient,
                      const deliver::MailUser& user, int message_fd) {
  auto datagram = encode(request_for(message, recipient, user));
  UniqueFd own = reopen(message_fd);
  if (!datagram || !own) return false;
  if (!send_with_fd(worker.channel.get(), *datagram, own.get())) return false;
  ++worker.sent;
  ++worker.pending;
  worker.last_used = std::chrono::steady_clock::now();
  return true;
}

// The worker ended without a report: its recipients are deferred, never
// acknowledged (it may have died before the link).
Reply WorkerPool::lost(Worker& worker, const Recipient& recipient) {
  if (!worker.dead) {
    int status = 0;
    if (worker.pid > 0)
      while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
      }
    log::error("lmtp: delivery worker {} for <{}> ended without a report ({} {})", worker.pid,
               recipient.address, WIFSIGNALED(status) ? "signal" : "exit",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    worker.channel.reset();
    worker.pid = -1;
    worker.dead = true;
  }
  --worker.pending;
  return kCrashed;
}

// The report of the oldest request sent to `worker`, for at most the
// delivery deadline and a minute: deliver's own watchdog ends it before,
// unless something is badly wrong; then it is killed.
Reply WorkerPool::await(Worker& worker, const Recipient& recipient) {
  if (worker.dead) return lost(worker, recipient);
  const auto until =
      std::chrono::steady_clock::now() + config_.deliver.deadline + std::chrono::seconds(60);
  // A report is a code and a line or two; a longer reason is cut (MSG_TRUNC),
  // never misread. Not zeroed per message (perf: memset was 2.5 %).
  char datagram[8192];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(worker.pid, SIGKILL);
      return lost(worker, recipient);
    }
    if (!worker.sliced) {
      pollfd ready{worker.channel.get(), POLLIN, 0};
      int n = ::poll(&ready, 1, static_cast<int>(std::min<long>(left.count(), 1000)));
      if (n < 0 && errno != EINTR) return lost(worker, recipient);
      if (n <= 0) continue;
    }
    ssize_t got = ::recv(worker.channel.get(), datagram, sizeof datagram, 0);
    if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (got <= 0) return lost(worker, recipient);
    auto report = decode_report(std::string_view(datagram, static_cast<std::size_t>(got)));
    if (!report) {
      ::kill(worker.pid, SIGKILL);
      return lost(worker, recipient);
    }
    --worker.pending;
    return reply_for(report->exit_code, report->status, report->reason);
  }
}

std::vector<Reply> WorkerPool::deliver(const Transaction& message, int message_fd,
                                       const LookedUp& looked_up) {
  const auto& recipients = message.recipients;
  std::vector<Reply> replies(recipients.size());
  std::vector<Worker*> assigned(recipients.size(), nullptr);
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    auto user = user_of(recipients[i], looked_up, config_);
    if (!user) {
      replies[i] = reply_for(user.error().kind == ErrorKind::no_user ? 67 : 75, "", "");
      continue;
    }
    const Ids ids{user->uid, user->gid};
    Worker* worker = worker_for(ids, recipients[i].user);
    bool sent = worker != nullptr && send(*worker, message, recipients[i], *user, message_fd);
    // A worker that ended while idle (killed, say) never got this request:
    // one new worker, one more try. With requests of this transaction in
    // it, its end is theirs to report.
    if (!sent && worker != nullptr && worker->pending == 0) {
      retire(*worker);
      worker = worker_for(ids, recipients[i].user);
      sent = worker != nullptr && send(*worker, message, recipients[i], *user, message_fd);
    }
    if (!sent) {
      replies[i] = {451, "4.3.0", "cannot start a delivery process, try again later"};
      continue;
    }
    assigned[i] = worker;
  }
  for (std::size_t i = 0; i < recipients.size(); ++i)
    if (assigned[i] != nullptr) replies[i] = await(*assigned[i], recipients[i]);
  trim();
  return replies;
}

}  // namespace mailroom::lmtp
