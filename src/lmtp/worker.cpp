#include "lmtp/worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "lmtp/delivery.hpp"
#include "lmtp/message_file.hpp"
#include "lmtp/worker_process.hpp"
#include "lmtp/worker_wire.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::lmtp {
namespace {

// Made when needed, not a static Reply: its strings were built at the start
// of every process of the one executable (`deliver` too), a heap
// allocation and a written data page.
Reply crashed() { return {451, "4.3.0", "delivery process crashed, try again later"}; }
constexpr timeval kReportSlice{1, 0};

// The largest message a request on `channel` may carry: kMaxInlineMessage
// when the socket's send buffer takes the largest request (raised as root
// past net.core.wmem_max if it must), else 0 (every message as a memfd).
std::size_t inline_limit(int channel) {
  constexpr int kWanted = 2 * static_cast<int>(kMaxWorkDatagram + kMaxInlineMessage + 1024);
  int size = 0;
  socklen_t length = sizeof size;
  if (::getsockopt(channel, SOL_SOCKET, SO_SNDBUF, &size, &length) == 0 && size >= kWanted)
    return kMaxInlineMessage;
  if (::setsockopt(channel, SOL_SOCKET, SO_SNDBUFFORCE, &kWanted, sizeof kWanted) != 0 &&
      ::setsockopt(channel, SOL_SOCKET, SO_SNDBUF, &kWanted, sizeof kWanted) != 0)
    return 0;
  length = sizeof size;
  const bool fits =
      ::getsockopt(channel, SOL_SOCKET, SO_SNDBUF, &size, &length) == 0 && size >= kWanted;
  return fits ? kMaxInlineMessage : 0;
}

// The datagram, with the descriptor `fd` unless it is -1 (the message is
// in the datagram).
Sent send_with_fd(int channel, const std::string& datagram, int fd) {
  OneDescriptorMessage message(const_cast<char*>(datagram.data()), datagram.size());
  msghdr& header = message.header;
  if (fd < 0) {
    header.msg_control = nullptr;
    header.msg_controllen = 0;
  } else {
    cmsghdr* c = CMSG_FIRSTHDR(&header);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  for (;;) {
    // Never blocking: a full queue is the caller's to drain (WorkerPool::deliver).
    ssize_t n = ::sendmsg(channel, &header, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Sent::busy;
    return n == static_cast<ssize_t>(datagram.size()) ? Sent::yes : Sent::no;
  }
}

// `message_fd` -1: the message goes in the request.
WorkRequest request_for(const Transaction& message, const Recipient& recipient,
                        const deliver::MailUser& user, int message_fd) {
  return {recipient.user,      message.sender,
          recipient.original,  recipient.address,
          message.client.addr, message.client.helo,
          message.client.name, user.home,
          user.maildir,        message_fd < 0 ? message.data : std::string()};
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
  const std::size_t max_inline = inline_limit(ours.get());
  pid_t pid = ::fork();
  if (pid == 0) run_worker(theirs.get(), ids.first, ids.second, user, config_, counters_);
  if (pid < 0) {
    log::error("lmtp: fork: {}", std::strerror(errno));
    return nullptr;
  }
  worker = Worker{pid, std::move(ours), 0, 0, now, false, sliced, max_inline};
  return &worker;
}

Sent WorkerPool::send(Worker& worker, const Transaction& message, const Recipient& recipient,
                      const deliver::MailUser& user, int message_fd) {
  auto datagram = encode(request_for(message, recipient, user, message_fd));
  if (!datagram) return Sent::no;
  if (auto sent = send_with_fd(worker.channel.get(), *datagram, message_fd); sent != Sent::yes)
    return sent;
  ++worker.sent;
  ++worker.pending;
  worker.last_used = std::chrono::steady_clock::now();
  return Sent::yes;
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
  return crashed();
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

std::vector<Reply> WorkerPool::deliver(const Transaction& message, const LookedUp& looked_up) {
  const auto& recipients = message.recipients;
  std::vector<Reply> replies(recipients.size());
  UniqueFd file;  // the message as a sealed memfd, made at the first need
  // -1: the message goes in the request; -2: no memfd could be made.
  auto descriptor_for = [&](const Worker& worker) {
    if (message.data.size() <= worker.max_inline) return -1;
    if (!file) {
      auto sealed = sealed_message_file(message.data);
      if (!sealed) {
        log::error("lmtp: {}", sealed.error().message);
        return -2;
      }
      file = std::move(*sealed);
    }
    return file.get();
  };
  std::vector<Worker*> assigned(recipients.size(), nullptr);
  // Recipient i's request to `worker`. While the worker's queue is full,
  // its oldest report is read first: else the session would block in
  // sendmsg while the worker blocks sending reports nobody reads (one uid,
  // a thousand recipients: the transaction hung).
  auto send_to = [&](Worker& worker, std::size_t i, const deliver::MailUser& user) {
    for (;;) {
      const int message_fd = descriptor_for(worker);
      if (message_fd == -2) return false;
      const Sent sent = send(worker, message, recipients[i], user, message_fd);
      if (sent != Sent::busy) return sent == Sent::yes;
      const auto oldest = std::find(assigned.begin(), assigned.begin() + i, &worker);
      if (oldest == assigned.begin() + i) return false;
      const auto j = static_cast<std::size_t>(oldest - assigned.begin());
      replies[j] = await(worker, recipients[j]);
      assigned[j] = nullptr;
    }
  };
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    auto user = user_of(recipients[i], looked_up, config_);
    if (!user) {
      replies[i] = reply_for(user.error().kind == ErrorKind::no_user ? 67 : 75, "", "");
      continue;
    }
    const Ids ids{user->uid, user->gid};
    Worker* worker = worker_for(ids, recipients[i].user);
    bool sent = worker != nullptr && send_to(*worker, i, *user);
    // A worker that ended while idle (killed, say) never got this request:
    // one new worker, one more try. With requests of this transaction in
    // it, its end is theirs to report.
    if (!sent && worker != nullptr && worker->pending == 0) {
      retire(*worker);
      worker = worker_for(ids, recipients[i].user);
      sent = worker != nullptr && send_to(*worker, i, *user);
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
