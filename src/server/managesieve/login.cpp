// The login process of a ManageSieve connection (processes.hpp).
#include <array>

#include "mailroom/server/managesieve.hpp"
#include "server/broker.hpp"
#include "server/managesieve/processes.hpp"

namespace mailroom::server::managesieve {
namespace {

constexpr int kMaxFailedLogins = 3;  // per connection; the listener throttles across them

// RFC 5804 §1.3: TRYLATER for what may pass later.
std::string refusal_reply(Refusal refusal) {
  switch (refusal) {
    case Refusal::password:
      return response("NO", "", "Authentication failed.");
    case Refusal::throttled:
      return response("NO", "TRYLATER", "Too many failed logins, try again later.");
    default:
      return response("NO", "TRYLATER", "Cannot check the password now.");
  }
}

}  // namespace

int run_login(net::Stream client, int broker, const LoginSetup& setup) {
  LoginState state(setup.policy);
  if (!client.write_all(state.greeting())) return 0;
  // Before login only short commands: a SASL response fits in a line.
  Limits limits;
  limits.max_line = setup.limits.max_line;
  limits.max_literal = setup.limits.max_line;
  CommandReader reader(limits);
  std::array<char, 16384> buffer{};
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(setup.limits.login_timeout);
  int failures = 0;
  for (;;) {
    auto got = client.read_some(buffer.data(), buffer.size(), timeout);
    if (!got && got.error().kind == ErrorKind::limit)
      (void)client.write_all(response("BYE", "", "Idle too long."));
    if (!got || *got == 0) return 0;
    reader.feed(std::string_view(buffer.data(), *got));
    while (auto event = reader.next()) {
      auto step = state.handle(*event);
      if (!step.reply.empty() && !client.write_all(step.reply)) return 0;
      switch (step.action) {
        case LoginStep::Action::reply:
          break;
        case LoginStep::Action::quit:
          return 0;
        case LoginStep::Action::start_tls:
          reader.discard_pending();  // CVE-2011-0411
          if (!client.start_tls(*setup.tls)) return 0;
          state.tls_started();
          if (!client.write_all(state.greeting())) return 0;  // §2.2
          break;
        case LoginStep::Action::check_password: {
          auto answer = ask_broker(broker, step.user, step.password);
          std::fill(step.password.begin(), step.password.end(), '\0');
          if (!answer) {
            (void)client.write_all(response("BYE", "TRYLATER", "Try again later."));
            return 0;
          }
          if (answer->session) {
            bool unauthenticated = false;
            int status = relay(client, answer->session.get(), reader.take_pending(), setup.limits,
                               &unauthenticated);
            if (!unauthenticated) return status;
            failures = 0;  // RFC 5804 2.14.1: a new login may follow
            break;
          }
          if (!client.write_all(refusal_reply(answer->refusal))) return 0;
          if (++failures >= kMaxFailedLogins) {
            (void)client.write_all(response("BYE", "", "Too many failed logins."));
            return 0;
          }
          break;
        }
      }
    }
  }
}

}  // namespace mailroom::server::managesieve
