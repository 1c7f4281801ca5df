#include "lmtp/session.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "lmtp/delivery.hpp"
#include "lmtp/protocol.hpp"
#include "lmtp/session_user.hpp"
#include "lmtp/user_cache.hpp"
#include "lmtp/worker.hpp"
#include "mailroom/deliver/recipient.hpp"
#include "mailroom/util/host.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::lmtp {

volatile std::sig_atomic_t session_stopping = 0;

namespace {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

enum class Read { data, end, idle, stopping };

// Waits for input in slices of a second, so that SIGTERM is seen between
// transactions even when the signal arrives outside poll().
Read read_some(int fd, std::string& buffer, std::chrono::seconds idle, bool in_transaction) {
  const auto until = std::chrono::steady_clock::now() + idle;
  for (;;) {
    if (session_stopping && !in_transaction) return Read::stopping;
    if (std::chrono::steady_clock::now() >= until) return Read::idle;
    pollfd ready{fd, POLLIN, 0};
    int n = ::poll(&ready, 1, 1000);
    if (n < 0 && errno != EINTR) return Read::end;
    if (n <= 0) continue;
    char chunk[64 * 1024];
    ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return Read::end;
    buffer.assign(chunk, static_cast<std::size_t>(got));
    return Read::data;
  }
}

Limits limits_of(const Config& config) {
  Limits limits;
  limits.max_line = config.lmtp.max_line;
  limits.max_recipients = config.lmtp.max_recipients;
  limits.max_message_size = config.deliver.max_message_size;
  return limits;
}

void log_transaction(const std::string& peer, const Transaction& message,
                     const std::vector<Reply>& replies) {
  for (std::size_t i = 0; i < replies.size(); ++i)
    log::info("lmtp: from=<{}> to=<{}> client={} xforward={} reply=\"{} {} {}\"", message.sender,
              message.recipients[i].address, peer, message.client.addr, replies[i].code,
              replies[i].status, replies[i].text);
}

}  // namespace

int run_session(int fd, const std::string& peer, const Config& config, Counters* counters) {
  const std::string& host = config.maildir.hostname.empty() ? host_name() : config.maildir.hostname;
  std::optional<SessionIds> as_user;  // lmtp.session_user: this process delivers
  if (wants_session_user(config)) {
    auto dropped = become_session_user(config);
    if (!dropped) {
      log::error("lmtp: lmtp.session_user {}: {}", config.lmtp.session_user,
                 dropped.error().message);
      [[maybe_unused]] bool sent =
          write_all(fd, render({421, "4.3.0", host + " cannot serve now, try again later"}));
      return 0;
    }
    as_user = *dropped;
  }
  LookedUp looked_up;
  UserCache users(user_tables(config), [&config](const std::string& name) {
    return deliver::find_recipient(name, config);
  });
  // RCPT TO: the user looked up (and, with lmtp.session_user, of its ids).
  auto check = [&config, counters, &users, &looked_up, &as_user](std::string_view address,
                                                                 std::string& user) {
    auto refused = check_recipient(address, config, users, user, looked_up);
    if (!refused && as_user)
      refused = refuse_other_ids(address, *looked_up_user(looked_up, user), *as_user);
    if (refused) count_recipient(counters, *refused);
    return refused;
  };
  Protocol protocol(limits_of(config), host, check);
  std::optional<WorkerPool> workers;
  if (!as_user && WorkerPool::usable(config)) workers.emplace(config, counters);
  if (!write_all(fd, protocol.greeting())) return 0;
  std::string input;
  for (;;) {
    auto out = protocol.run();
    for (std::size_t i = 0; i < out.too_large; ++i) count_recipient(counters, {552, "5.3.4", ""});
    if (out.message) {
      const auto started = std::chrono::steady_clock::now();
      auto replies = as_user ? deliver_in_session(*out.message, config, counters, looked_up)
                             : deliver_all(*out.message, config, counters, looked_up,
                                           workers ? &*workers : nullptr);
      looked_up.clear();  // the next transaction's RCPT TO look up afresh
      count_delivery(counters, std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - started));
      if (counters != nullptr) counters->messages.fetch_add(1, std::memory_order_relaxed);
      for (const auto& reply : replies) count_recipient(counters, reply);
      log_transaction(peer, *out.message, replies);
      out.replies += protocol.finish(replies);
    }
    if (!out.replies.empty() && !write_all(fd, out.replies)) return 0;
    if (out.close) return 0;
    if (out.message) continue;  // commands pipelined after the message
    auto got = read_some(fd, input, config.lmtp.idle_timeout, protocol.in_transaction());
    if (got == Read::end) return 0;
    if (got != Read::data) {
      // RFC 5321 §4.5.3.2.7 and §3.8: the server may close after a 421.
      [[maybe_unused]] bool sent =
          write_all(fd, render({421, "4.4.2",
                                host + (got == Read::idle ? " idle for too long, closing"
                                                          : " shutting down, try again later")}));
      return 0;
    }
    protocol.feed(input);
    if (session_stopping) protocol.shut_down();
  }
}

}  // namespace mailroom::lmtp
