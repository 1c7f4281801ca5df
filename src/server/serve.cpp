// The listening process of `mailroom serve`.
//
// Privileges (mailroom-serve(8) says the same for administrators). Three
// kinds of process, after Dovecot's login/imap split:
//
// 1. The listener runs as root. It binds the ports, holds the TLS
//    certificate and key (and reloads them on SIGHUP), reads the password
//    file and checks passwords, and throttles failed logins per address and
//    per user. It never parses a byte from a client and never opens a file
//    of a user.
// 2. For each connection it forks a login process that drops at once to
//    serve.login_user (an account that owns nothing; "nobody" by default),
//    made undumpable and memory-capped. That process does the TLS handshake
//    and the whole pre-authentication dialogue. It can do nothing with a
//    password but hand it to the listener over a socketpair.
// 3. When the password is right, the listener forks a session process that
//    drops to the user's uid and gid (setgroups, setresgid, setresuid; uid 0
//    refused, gid 0 unless users.allow_gid_0) before it opens the Maildir,
//    and passes one end of a fresh socketpair to the login process
//    (SCM_RIGHTS). The login process then only relays bytes between the
//    client's TLS and the session. So a session can read only what its
//    user can read, and sessions of different users never share a process.
#include "mailroom/server/serve.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/generic/seq_packet_protocol.hpp>
#include <cstring>
#include <memory>
#include <optional>

#include "mailroom/net/server.hpp"
#include "mailroom/net/tls.hpp"
#include "mailroom/server/passdb.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/passwd.hpp"
#include "server/account.hpp"
#include "server/process.hpp"
#include "server/pop3/processes.hpp"

namespace mailroom::server {
namespace {

namespace asio = boost::asio;
using Packet = asio::generic::seq_packet_protocol;

struct State {
  const Config& config;
  net::Limits limits;
  std::vector<net::ListenerSpec> specs;
  std::optional<net::TlsContext> tls;
  PasswdEntry login_user;
  LoginThrottle throttle;
  net::Server* server = nullptr;
};

net::Limits limits_from(const ServeConfig& serve) {
  net::Limits limits;
  limits.max_connections_per_ip = serve.max_connections_per_ip;
  limits.max_line = serve.max_line;
  limits.login_timeout = serve.login_timeout;
  limits.idle_timeout = serve.idle_timeout;
  limits.session_memory = serve.session_memory;
  limits.shutdown_grace = serve.shutdown_grace;
  return limits;
}

[[noreturn]] void exit_child(int status) {
  log::flush();
  std::_Exit(status);
}

// Sends the answer to a login process; `session` (if valid) goes along.
void answer(int broker, std::string_view text, int session) {
  iovec io{const_cast<char*>(text.data()), text.size()};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (session >= 0) {
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &session, sizeof session);
  }
  (void)::sendmsg(broker, &message, MSG_NOSIGNAL);
}

// Forks the session process for `account`; its end of the socketpair, or -1.
int start_session(State& state, const Account& account) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    enter_child({pair[1]}, state.config.log, state.limits.session_memory);
    auto dropped = drop_privileges(account.name, account.uid, account.gid,
                                   state.config.users.allow_gid_0);
    if (!dropped) {
      log::error("pop3: {}", dropped.error().message);
      exit_child(75);
    }
    exit_child(pop3::run_session(3, account.maildir, state.limits));
  }
  ::close(pair[1]);
  if (pid < 0) {
    ::close(pair[0]);
    return -1;
  }
  state.server->adopt(pid);
  return pair[0];
}

// One login request: throttle, delay, check, start the session.
asio::awaitable<void> check_login(State& state, int broker, std::string ip, std::string user,
                                  std::string password) {
  auto now = LoginThrottle::Clock::now();
  asio::steady_timer wait(co_await asio::this_coro::executor, state.throttle.delay(ip, user, now));
  co_await wait.async_wait(asio::use_awaitable);
  if (state.throttle.refused(ip, user, LoginThrottle::Clock::now())) {
    log::warn("pop3: login refused for {} from {}: too many failures", user, ip);
    answer(broker, "E-ERR [AUTH] too many failed logins, try again later\r\n", -1);
    co_return;
  }
  auto account = authenticate(state.config, user, password);
  std::fill(password.begin(), password.end(), '\0');
  if (!account) {
    if (account.error().kind == ErrorKind::temporary || account.error().kind == ErrorKind::config) {
      log::error("pop3: login of {} from {}: {}", user, ip, account.error().message);
      answer(broker, "E-ERR [SYS/TEMP] cannot check the password now\r\n", -1);
      co_return;
    }
    state.throttle.failed(ip, user, LoginThrottle::Clock::now());
    log::info("pop3: login failed for {} from {}", user, ip);
    answer(broker, "E-ERR [AUTH] invalid user name or password\r\n", -1);
    co_return;
  }
  state.throttle.succeeded(user);
  int session = start_session(state, *account);
  if (session < 0) {
    answer(broker, "E-ERR [SYS/TEMP] cannot start the session\r\n", -1);
    co_return;
  }
  log::info("pop3: login {} from {}", user, ip);
  answer(broker, "K", session);
  ::close(session);
}

// Serves the requests of one login process until it ends.
asio::awaitable<void> broker_loop(State& state, int fd, std::string ip, net::Server::Closed closed) {
  Packet::socket socket(co_await asio::this_coro::executor, Packet(AF_UNIX, 0), fd);
  std::array<char, 1024> buffer{};
  for (;;) {
    boost::system::error_code ec;
    asio::socket_base::message_flags flags{};
    std::size_t n = co_await socket.async_receive(asio::buffer(buffer), 0, flags,
                                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec || n == 0) break;
    std::string_view request(buffer.data(), n);
    auto nul = request.find('\0');
    if (nul == std::string_view::npos) break;  // not from our login process
    co_await check_login(state, socket.native_handle(), ip, std::string(request.substr(0, nul)),
                         std::string(request.substr(nul + 1)));
  }
  closed();
}

void start_login(State& state, net::Accepted accepted, net::Server::Closed closed) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    closed();
    return;
  }
  const auto& spec = state.specs[accepted.listener];
  pid_t pid = ::fork();
  if (pid == 0) {
    enter_child({accepted.socket.get(), pair[1]}, state.config.log, state.limits.session_memory);
    auto dropped = drop_privileges(state.login_user.name, state.login_user.uid,
                                   state.login_user.gid, false);
    if (!dropped) {
      log::error("pop3: {}", dropped.error().message);
      exit_child(75);
    }
    pop3::LoginSetup setup;
    setup.implicit_tls = spec.implicit_tls;
    setup.tls = state.tls ? &*state.tls : nullptr;
    setup.policy.stls_possible = state.tls.has_value() && !spec.implicit_tls;
    setup.policy.plaintext_without_tls =
        state.config.serve.plaintext_on_loopback && net::is_loopback(accepted.peer_ip);
    setup.limits = state.limits;
    exit_child(pop3::run_login(net::Stream(UniqueFd(3)), 4, setup));
  }
  ::close(pair[1]);
  if (pid < 0) {
    ::close(pair[0]);
    closed();
    return;
  }
  state.server->adopt(pid);
  asio::co_spawn(state.server->io(), broker_loop(state, pair[0], accepted.peer_ip, std::move(closed)),
                 asio::detached);
}

Result<std::optional<net::TlsContext>> load_tls(const ServeConfig& serve) {
  if (serve.tls_cert.empty() && serve.tls_key.empty()) return std::optional<net::TlsContext>();
  auto context = net::TlsContext::load(serve.tls_cert, serve.tls_key);
  if (!context) return tl::unexpected(context.error());
  return std::optional<net::TlsContext>(std::move(*context));
}

Result<std::vector<net::ListenerSpec>> listeners_from(const ServeConfig& serve, bool have_tls) {
  std::vector<net::ListenerSpec> specs;
  for (const auto& text : serve.listeners) {
    auto spec = net::parse_listener(text, {"pop3"});
    if (!spec) return tl::unexpected(spec.error());
    if (spec->implicit_tls && !have_tls)
      return fail(ErrorKind::config, "listener '" + text + "' needs serve.tls_cert and serve.tls_key");
    specs.push_back(*spec);
  }
  if (specs.empty()) return fail(ErrorKind::config, "serve.listeners is empty: nothing to listen on");
  return specs;
}

}  // namespace

int serve(const Config& config) {
  auto tls = load_tls(config.serve);
  if (!tls) {
    log::error("serve: {}", tls.error().message);
    return 78;
  }
  auto specs = listeners_from(config.serve, tls->has_value());
  auto login_user = find_user_by_name(config.serve.login_user);
  if (!specs || !login_user) {
    log::error("serve: {}", !specs ? specs.error().message
                                   : "serve.login_user: " + login_user.error().message);
    return 78;
  }
  LoginThrottle::Policy policy;
  policy.base_delay = config.serve.auth_delay;
  policy.max_failures = config.serve.auth_max_failures;
  State state{config, limits_from(config.serve), *specs, std::move(*tls), *login_user,
              LoginThrottle(policy), nullptr};
  net::Server server(state.specs, state.limits);
  state.server = &server;
  if (auto bound = server.bind(); !bound) {
    log::error("serve: {}", bound.error().message);
    return 78;
  }
  for (std::size_t i = 0; i < state.specs.size(); ++i)
    log::info("serve: listening on {} {}:{}", state.specs[i].implicit_tls ? "pop3s" : "pop3",
              state.specs[i].address, server.bound_port(i));
  auto reload = [&state] {
    // SIGHUP: new connections get the new certificate; a bad file keeps the old one.
    auto fresh = load_tls(state.config.serve);
    if (!fresh) {
      log::error("serve: reload: {}; keeping the old certificate", fresh.error().message);
      return;
    }
    if (fresh->has_value()) state.tls = std::move(*fresh);
    log::info("serve: reloaded the TLS certificate");
  };
  return server.run([&state](net::Accepted a, net::Server::Closed c) { start_login(state, std::move(a), std::move(c)); },
                    reload);
}

}  // namespace mailroom::server
