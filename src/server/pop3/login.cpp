// The login process of a POP3 connection (processes.hpp).
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "mailroom/net/line_reader.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/unique_fd.hpp"
#include "server/pop3/processes.hpp"
#include "server/process.hpp"

namespace mailroom::server::pop3 {
namespace {

constexpr int kMaxFailedLogins = 3;  // per connection; the listener throttles across them
constexpr std::size_t kBufferSize = 16384;

struct BrokerAnswer {
  UniqueFd session;   // valid on success
  std::string reply;  // the -ERR line otherwise
};

// One request, one answer; the answer carries the session's descriptor.
Result<BrokerAnswer> ask_broker(int broker, const std::string& user, const std::string& password) {
  std::string request = user + '\0' + password;
  if (::send(broker, request.data(), request.size(), MSG_NOSIGNAL) < 0)
    return fail_errno(ErrorKind::temporary, "send to listener", errno);
  std::array<char, 512> answer{};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
  iovec io{answer.data(), answer.size()};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  ssize_t n = 0;
  do {
    n = ::recvmsg(broker, &message, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return fail(ErrorKind::temporary, "the listener went away");
  BrokerAnswer out;
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      out.session.reset(fd);
    }
  if (answer[0] == 'K' && out.session) return out;
  out.session.reset();
  out.reply = std::string(answer.data() + 1, static_cast<std::size_t>(n) - 1);
  return out;
}

// After the login: bytes both ways until either side ends or the client
// is idle for limits.idle_timeout (RFC 1939 section 3: autologout, no UPDATE).
int relay(net::Stream& client, int session, const std::string& pipelined,
          const net::Limits& limits) {
  if (!send_all(session, pipelined)) return 0;
  std::array<char, kBufferSize> buffer{};
  auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(limits.idle_timeout);
  for (;;) {
    std::array<pollfd, 2> fds{{{client.fd(), POLLIN, 0}, {session, POLLIN, 0}}};
    int ready =
        client.has_buffered_input() ? 1 : ::poll(fds.data(), 2, static_cast<int>(idle.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return 0;
    if (client.has_buffered_input() || (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      auto got = client.read_some(buffer.data(), buffer.size(), idle);
      if (!got || *got == 0 || !send_all(session, std::string_view(buffer.data(), *got))) return 0;
    }
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      ssize_t n = ::read(session, buffer.data(), buffer.size());
      if (n <= 0) return 0;  // the session ended (QUIT) or failed
      if (!client.write_all(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) return 0;
    }
  }
}

}  // namespace

int run_login(net::Stream client, int broker, const LoginSetup& setup) {
  if (setup.implicit_tls) {
    if (setup.tls == nullptr || !client.start_tls(*setup.tls)) return 0;
  }
  Authorization authorization(setup.policy);
  if (client.tls()) authorization.tls_started();
  if (!client.write_all("+OK mailroom POP3 server ready\r\n")) return 0;
  net::LineReader reader(setup.limits.max_line);
  std::array<char, kBufferSize> buffer{};
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(setup.limits.login_timeout);
  int failures = 0;
  for (;;) {
    auto got = client.read_some(buffer.data(), buffer.size(), timeout);
    if (!got && got.error().kind == ErrorKind::limit)
      (void)client.write_all("-ERR autologout: idle too long\r\n");
    if (!got || *got == 0) return 0;
    reader.feed(std::string_view(buffer.data(), *got));
    while (auto event = reader.next()) {
      if (event->kind == net::LineEvent::Kind::too_long) {
        if (!client.write_all("-ERR line too long\r\n")) return 0;
        continue;
      }
      auto step = authorization.handle(event->text);
      if (!step.reply.empty() && !client.write_all(step.reply)) return 0;
      switch (step.action) {
        case Step::Action::reply:
          break;
        case Step::Action::quit:
          return 0;
        case Step::Action::start_tls:
          reader.discard_pending();  // RFC 2595 section 3.1, CVE-2011-0411
          if (!client.start_tls(*setup.tls)) return 0;
          authorization.tls_started();
          break;
        case Step::Action::check_password: {
          auto answer = ask_broker(broker, step.user, step.password);
          std::fill(step.password.begin(), step.password.end(), '\0');
          if (!answer) {
            (void)client.write_all("-ERR [SYS/TEMP] try again later\r\n");
            return 0;
          }
          if (answer->session)
            return relay(client, answer->session.get(), reader.take_pending(), setup.limits);
          if (!client.write_all(answer->reply)) return 0;
          if (++failures >= kMaxFailedLogins) return 0;
          break;
        }
      }
    }
  }
}

}  // namespace mailroom::server::pop3
