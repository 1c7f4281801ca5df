// The listening process of `mailroom serve`.
//
// Privileges (mailroom-serve(8) says the same for administrators). Four
// kinds of process, after Dovecot's login/imap split:
//
// 1. The listener runs as root. It binds the ports, reads the password
//    file, checks passwords and throttles failed logins per address and per
//    user. It never parses a byte from a client, never opens a file of a
//    user, and forks nothing once it serves.
// 2. The spawner (spawner.hpp), forked at start-up before any client
//    connects, holds the TLS certificate and key (reloaded on SIGHUP) and
//    forks every other process on the listener's request; since it never
//    sees a password, no process it forks inherits one.
// 3. For each connection a login process drops at once to
//    serve.login_user (an account that owns nothing; "nobody" by default),
//    undumpable and memory-capped. It does the TLS handshake and the whole
//    pre-authentication dialogue, and can do nothing with a password but
//    hand it to the listener over a socketpair.
// 4. When the password is right, a session process drops to the user's uid
//    and gid (setgroups, setresgid, setresuid; uid 0 refused, gid 0 unless
//    users.allow_gid_0) before it opens the Maildir; one end of a fresh
//    socketpair goes to it, the other to the login process (SCM_RIGHTS),
//    which from then on relays bytes between the client's TLS and the
//    session (an IMAP client without TLS is handed to the session
//    instead, and the login process ends: broker.hpp). So a session reads
//    only what its user may read, and sessions of different users never
//    share a process.
#include "mailroom/server/serve.hpp"

#include <signal.h>
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
#include "server/broker.hpp"
#include "server/pam_login.hpp"
#include "server/spawner.hpp"

namespace mailroom::server {
namespace {

namespace asio = boost::asio;
using Packet = asio::generic::seq_packet_protocol;

struct State {
  const Config& config;
  LoginThrottle throttle;
  int spawner = -1;  // request socket of the spawner
  net::Server* server = nullptr;
  std::vector<net::ListenerSpec> specs;
};

// "pop3", "imap", "sieve": for the log.
const std::string& protocol_of(const State& state, std::size_t listener) {
  return state.specs.at(listener).protocol;
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

// One login request: throttle, delay, check, start the session.
asio::awaitable<void> check_login(State& state, int broker, std::size_t listener, std::string ip,
                                  std::string user, std::string password) {
  const auto& protocol = protocol_of(state, listener);
  auto refuse = [broker](Refusal why) { answer(broker, "E" + std::string(refusal_word(why)), -1); };
  auto now = LoginThrottle::Clock::now();
  asio::steady_timer wait(state.server->io(), state.throttle.delay(ip, user, now));
  co_await wait.async_wait(asio::use_awaitable);
  if (state.throttle.refused(ip, user, LoginThrottle::Clock::now())) {
    log::warn("{}: login refused for {} from {}: too many failures", protocol, user, ip);
    refuse(Refusal::throttled);
    co_return;
  }
  // GCC 12 cannot compile co_await inside ?: (an internal compiler error).
  Result<Account> account = fail(ErrorKind::internal, "not checked");
  if (pam_service(state.config.serve.passdb)) {
    account = co_await pam_login(state.server->io(), state.config, ip, user, password);
  } else {
    account = authenticate(state.config, user, password);
  }
  std::fill(password.begin(), password.end(), '\0');
  if (!account) {
    if (account.error().kind == ErrorKind::temporary || account.error().kind == ErrorKind::config) {
      log::error("{}: login of {} from {}: {}", protocol, user, ip, account.error().message);
      refuse(Refusal::temporary);
      co_return;
    }
    state.throttle.failed(ip, user, LoginThrottle::Clock::now());
    log::info("{}: login failed for {} from {}", protocol, user, ip);
    refuse(Refusal::password);
    co_return;
  }
  state.throttle.succeeded(user);
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0 ||
      !request_session(state.spawner, pair[1], *account, listener)) {
    refuse(Refusal::temporary);
    co_return;
  }
  ::close(pair[1]);
  log::info("{}: login {} from {}", protocol, user, ip);
  answer(broker, "K", pair[0]);
  ::close(pair[0]);
}

// Serves the requests of one login process until it ends.
asio::awaitable<void> broker_loop(State& state, int fd, std::size_t listener, std::string ip,
                                  net::Server::Closed closed) {
  Packet::socket socket(state.server->io(), Packet(AF_UNIX, 0), fd);
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
    co_await check_login(state, socket.native_handle(), listener, ip,
                         std::string(request.substr(0, nul)), std::string(request.substr(nul + 1)));
  }
  closed();
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): moved into a coroutine frame
void start_login(State& state, net::Accepted accepted, net::Server::Closed closed) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    closed();
    return;
  }
  auto requested = request_login(state.spawner, accepted.socket.get(), pair[1], accepted.listener,
                                 accepted.peer_ip);
  ::close(pair[1]);
  if (!requested) {
    log::error("serve: {}", requested.error().message);
    ::close(pair[0]);
    closed();
    return;
  }
  asio::co_spawn(
      state.server->io(),
      broker_loop(state, pair[0], accepted.listener, accepted.peer_ip, std::move(closed)),
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
    auto spec = net::parse_listener(text, {"pop3", "imap", "sieve"});
    if (!spec) return tl::unexpected(spec.error());
    if (spec->protocol == "sieve" && spec->implicit_tls)  // RFC 5804 §2.2: STARTTLS only
      return fail(ErrorKind::config,
                  "listener '" + text + "': ManageSieve uses sieve:// and STARTTLS");
    if (spec->implicit_tls && !have_tls)
      return fail(ErrorKind::config,
                  "listener '" + text + "' needs serve.tls_cert and serve.tls_key");
    specs.push_back(*spec);
  }
  if (specs.empty())
    return fail(ErrorKind::config, "serve.listeners is empty: nothing to listen on");
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
    log::error("serve: {}",
               !specs ? specs.error().message : "serve.login_user: " + login_user.error().message);
    return 78;
  }
  if (pam_service(config.serve.passdb) && ::access(pam_helper_path(config).c_str(), X_OK) != 0) {
    log::error("serve: serve.passdb is {} but the PAM helper {} cannot be run: {}",
               config.serve.passdb, pam_helper_path(config), std::strerror(errno));
    return 78;
  }
  LoginThrottle::Policy policy;
  policy.base_delay = config.serve.auth_delay;
  policy.max_failures = config.serve.auth_max_failures;
  State state{config, LoginThrottle(policy), -1, nullptr, {}};
  state.specs = *specs;
  net::Server server(*specs, limits_from(config.serve));
  state.server = &server;
  if (auto bound = server.bind(); !bound) {
    log::error("serve: {}", bound.error().message);
    return 78;
  }
  tls->reset();  // checked; the spawner loads its own copy
  auto spawner = start_spawner(SpawnerSetup{&config, *specs, *login_user});
  if (!spawner) {
    log::error("serve: {}", spawner.error().message);
    return 75;
  }
  auto [spawner_pid, spawner_socket] = *spawner;
  state.spawner = spawner_socket;
  server.adopt(spawner_pid);  // SIGTERM at the end of the grace time ends every session
  for (std::size_t i = 0; i < specs->size(); ++i)
    log::info("serve: listening on {}{} {}:{}", (*specs)[i].protocol,
              (*specs)[i].implicit_tls ? "s" : "", (*specs)[i].address, server.bound_port(i));
  // SIGHUP: the spawner reads the certificate again; new connections use it.
  auto reload = [pid = spawner_pid] { ::kill(pid, SIGHUP); };
  return server.run(
      [&state](net::Accepted a, net::Server::Closed c) {
        start_login(state, std::move(a), std::move(c));
      },
      reload);
}

}  // namespace mailroom::server
