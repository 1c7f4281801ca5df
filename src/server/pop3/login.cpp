// The login process of a POP3 connection (processes.hpp).
#include <array>

#include "mailroom/net/line_reader.hpp"
#include "mailroom/util/log.hpp"
#include "server/broker.hpp"
#include "server/pop3/processes.hpp"

namespace mailroom::server::pop3 {
namespace {

constexpr int kMaxFailedLogins = 3;  // per connection; the listener throttles across them
constexpr std::size_t kBufferSize = 16384;

// RFC 2449 section 8 / RFC 3206: [AUTH] for the password, [SYS/TEMP] for us.
std::string_view refusal_reply(Refusal refusal) {
  switch (refusal) {
    case Refusal::password:
      return "-ERR [AUTH] invalid user name or password\r\n";
    case Refusal::throttled:
      return "-ERR [AUTH] too many failed logins, try again later\r\n";
    default:
      return "-ERR [SYS/TEMP] cannot check the password now\r\n";
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
          if (!client.write_all(refusal_reply(answer->refusal))) return 0;
          if (++failures >= kMaxFailedLogins) return 0;
          break;
        }
      }
    }
  }
}

}  // namespace mailroom::server::pop3
