#include "lmtp/worker_process.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "lmtp/delivery.hpp"
#include "lmtp/message_file.hpp"
#include "lmtp/worker_wire.hpp"
#include "mailroom/deliver/deliver.hpp"
#include "mailroom/deliver/exit_code.hpp"
#include "mailroom/maildir/delivery.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/privileges.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::lmtp {
namespace {

constexpr int kChannelFd = 3;

// The MTA's environment that deliver would otherwise read for a missing
// flag: a delivery over LMTP takes its envelope from the transaction only.
constexpr const char* kEnvelopeVariables[] = {"SENDER",         "RECIPIENT",   "ORIGINAL_RECIPIENT",
                                              "RETURN_PATH",    "EXTENSION",   "LOCAL_PART_SUFFIX",
                                              "CLIENT_ADDRESS", "CLIENT_HELO", "CLIENT_HOSTNAME",
                                              "USER",           "LOGNAME",     "HOME"};

struct Received {
  std::string datagram;
  UniqueFd message;
};

// One request and its descriptor; nullopt when the session closed the
// channel (or it broke): the worker's end.
// The buffer is the worker's for its life: zeroing 64 KB per request was
// 2.5 % of the server's CPU (perf, bench/lmtp at 16 connections).
std::optional<Received> receive() {
  static std::vector<char> buffer(kMaxWorkDatagram + 1 + kMaxInlineMessage + 1);
  Received got;
  for (;;) {
    OneDescriptorMessage message(buffer.data(), buffer.size());
    msghdr& header = message.header;
    ssize_t n = ::recvmsg(kChannelFd, &header, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      got.message.reset(fd);
    }
    // A truncated datagram stays empty: refused by decode_request.
    if ((header.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0)
      got.datagram.assign(buffer.data(), static_cast<std::size_t>(n));
    return got;
  }
}

void report(const WorkReport& outcome) {
  std::string datagram = encode(outcome);
  // Lost only when the session is gone; then nobody waits for it.
  [[maybe_unused]] auto sent = ::send(kChannelFd, datagram.data(), datagram.size(), MSG_NOSIGNAL);
}

// `uid` and `gid` are the worker's own, the recipient's: the session sent
// this recipient here because they are.
// The message is in `work` itself, or, when `message` is open, the sealed
// memfd it names (lmtp/message_file.hpp), mapped: read without a file
// offset shared with the workers of other uids.
// `bytes`: the message.
WorkReport deliver_bytes(const WorkRequest& work, std::string_view bytes, uid_t uid, gid_t gid,
                         const Config& config, Counters* counters) {
  if (work.client_name.empty()) {
    ::unsetenv("CLIENT_HOSTNAME");  // NOLINT(concurrency-mt-unsafe): one thread
  } else {
    ::setenv("CLIENT_HOSTNAME", work.client_name.c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
  }
  deliver::Request request;
  request.user = work.user;
  request.looked_up = deliver::MailUser{work.user, uid, gid, work.home, work.maildir};
  request.sender = work.sender;
  request.original_recipient = work.original;
  request.final_recipient = work.address;
  request.client_address = work.client_addr;
  request.client_helo = work.client_helo;
  request.input_bytes = bytes;
  request.from_line = false;         // DATA is the message itself (RFC 2033 §4.2)
  request.dropped_from_root = true;  // global scripts must be root's, as for root
  auto outcome = deliver::deliver(request, config);
  // This delivery's watchdog ends with it: the next one starts with
  // nothing linked and its own deadline.
  ::alarm(0);
  maildir::forget_linked_copies();
  count_stages(counters, outcome.stages);  // the shared page is mapped here too
  log::flush();
  return {outcome.exit_code, std::string(outcome.status), outcome.reason};
}

WorkReport deliver_one(const WorkRequest& work, UniqueFd message, uid_t uid, gid_t gid,
                       const Config& config, Counters* counters) {
  if (!message) return deliver_bytes(work, work.message, uid, gid, config, counters);
  auto mapped = MappedMessage::map(message.get());
  if (!mapped) return {deliver::kExitTempFail, "4.3.0", "cannot read the message"};
  message.reset();
  return deliver_bytes(work, mapped->bytes(), uid, gid, config, counters);
}

}  // namespace

void prepare_deliveries() {
  for (const char* name : kEnvelopeVariables) ::unsetenv(name);  // NOLINT(concurrency-mt-unsafe)
  // Each delivery takes the user's Maildir descriptors from the last one
  // while the path still names those directories (maildir.hpp).
  maildir::keep_maildirs_open(true);
}

Reply deliver_here(const Transaction& message, const Recipient& recipient,
                   const deliver::MailUser& user, const Config& config, Counters* counters) {
  const WorkRequest work{recipient.user,      message.sender,      recipient.original,
                         recipient.address,   message.client.addr, message.client.helo,
                         message.client.name, user.home,           user.maildir,
                         std::string()};
  const WorkReport report = deliver_bytes(work, message.data, user.uid, user.gid, config, counters);
  return reply_for(report.exit_code, report.status, report.reason);
}

void run_worker(int channel, uid_t uid, gid_t gid, const std::string& user, const Config& config,
                Counters* counters) {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  for (int number : {SIGTERM, SIGHUP, SIGCHLD, SIGINT}) ::sigaction(number, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  if (::dup2(channel, kChannelFd) < 0) ::_exit(deliver::kExitTempFail);
  // The client's connection and everything else of the session stay out.
  ::syscall(SYS_close_range, kChannelFd + 1, ~0U, 0);
  // The syslog socket inherited from the session was among them: a new
  // logger connects again (else every line of the worker's deliveries was
  // lost, sent to a closed or reused descriptor).
  log::init(config.log);
  if (auto dropped = become_ids(user, uid, gid, config.users.allow_gid_0); !dropped) {
    log::error("lmtp: delivery worker for uid {}: {}", uid, dropped.error().message);
    log::flush();
    ::_exit(deliver::kExitTempFail);
  }
  prepare_deliveries();
  while (auto got = receive()) {
    auto work = decode_request(got->datagram);
    if (!work || (got->message && !work->message.empty())) {
      report({deliver::kExitTempFail, "4.3.0", "malformed request to the delivery worker"});
      continue;
    }
    report(deliver_one(*work, std::move(got->message), uid, gid, config, counters));
  }
  log::flush();
  ::_exit(0);
}

}  // namespace mailroom::lmtp
