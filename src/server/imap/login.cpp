// The login process of an IMAP connection (processes.hpp).
#include <array>
#include <chrono>

#include "mailroom/server/imap.hpp"
#include "server/broker.hpp"
#include "server/imap/processes.hpp"

namespace mailroom::server::imap {
namespace {

constexpr int kMaxFailedLogins = 3;  // per connection; the listener throttles across them
constexpr std::size_t kBufferSize = 16384;

struct Login {
  net::Stream& client;
  int broker;
  const LoginSetup& setup;
  NotAuthenticated state;
  CommandReader reader;
  bool awaiting_auth = false;
  int failures = 0;
};

enum class Next { go_on, done };

// Runs one step; a successful login ends in relay(), whose status is ours.
Next run_step(Login& login, Step step, int& status) {
  if (!step.reply.empty() && !login.client.write_all(step.reply)) return Next::done;
  switch (step.action) {
    case Step::Action::reply:
      return Next::go_on;
    case Step::Action::auth_continue:
      login.awaiting_auth = true;
      return Next::go_on;
    case Step::Action::logout:
      return Next::done;
    case Step::Action::start_tls:
      login.reader.discard_pending();  // RFC 3501 section 6.2.1, CVE-2011-0411
      if (!login.client.start_tls(*login.setup.tls)) return Next::done;
      login.state.tls_started();
      return Next::go_on;
    case Step::Action::check_password: {
      auto answer = ask_broker(login.broker, step.user, step.password);
      std::fill(step.password.begin(), step.password.end(), '\0');
      if (!answer) {
        (void)login.client.write_all(step.tag + " NO [UNAVAILABLE] try again later\r\n");
        return Next::done;
      }
      if (answer->session && !login.client.tls()) {
        status = hand_over(answer->session.get(), login.client.fd(), login.broker,
                           step.tag + "\r\n" + login.reader.take_pending());
        return Next::done;
      }
      if (answer->session) {
        net::Limits limits = login.setup.limits;
        limits.idle_timeout = std::chrono::duration_cast<std::chrono::seconds>(autologout(limits));
        status = relay(login.client, answer->session.get(),
                       step.tag + "\r\n" + login.reader.take_pending(), limits);
        return Next::done;
      }
      if (!login.client.write_all(refusal(step.tag, answer->refusal))) return Next::done;
      return ++login.failures >= kMaxFailedLogins ? Next::done : Next::go_on;
    }
  }
  return Next::done;
}

// Every complete command or response in the reader; done when the
// connection is over.
Next drain(Login& login, int& status) {
  for (;;) {
    if (login.awaiting_auth) {
      auto line = login.reader.next_line();
      if (!line) return Next::go_on;
      login.awaiting_auth = false;
      if (run_step(login, login.state.auth_response(*line), status) == Next::done)
        return Next::done;
      continue;
    }
    auto event = login.reader.next();
    if (!event) return Next::go_on;
    Step step;
    switch (event->kind) {
      case Framed::Kind::command:
        step = login.state.handle(event->text, CommandLimits{});
        break;
      case Framed::Kind::continuation:
        step.reply = "+ go ahead\r\n";
        break;
      case Framed::Kind::too_long:
        step.reply = event->tag + " BAD command line too long\r\n";
        break;
      case Framed::Kind::literal_too_big:
        step.reply = event->tag + " NO [TOOBIG] literal too big\r\n";  // RFC 7888 section 4
        break;
      case Framed::Kind::fatal:
        (void)login.client.write_all("* BYE literal too big\r\n");
        return Next::done;
    }
    if (run_step(login, std::move(step), status) == Next::done) return Next::done;
  }
}

}  // namespace

std::chrono::milliseconds autologout(const net::Limits& limits) {
  return std::max<std::chrono::milliseconds>(limits.idle_timeout, std::chrono::minutes(30));
}

int run_login(net::Stream client, int broker, const LoginSetup& setup) {
  if (setup.implicit_tls) {
    if (setup.tls == nullptr || !client.start_tls(*setup.tls)) return 0;
  }
  CommandLimits limits;
  limits.max_line = setup.limits.max_line;
  limits.max_literal = setup.limits.max_line;  // nothing before login needs a large literal
  limits.max_command = setup.limits.max_line * 4;
  Login login{client, broker, setup, NotAuthenticated(setup.policy), CommandReader(limits)};
  if (client.tls()) login.state.tls_started();
  if (!client.write_all(login.state.greeting())) return 0;
  std::array<char, kBufferSize> buffer{};
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(setup.limits.login_timeout);
  int status = 0;
  for (;;) {
    auto got = client.read_some(buffer.data(), buffer.size(), timeout);
    if (!got && got.error().kind == ErrorKind::limit)
      (void)client.write_all("* BYE autologout: idle too long\r\n");
    if (!got || *got == 0) return status;
    login.reader.feed(std::string_view(buffer.data(), *got));
    if (drain(login, status) == Next::done) return status;
  }
}

}  // namespace mailroom::server::imap
