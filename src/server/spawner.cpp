#include "server/spawner.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include "mailroom/spam/learn_files.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/passwd.hpp"
#include "mailroom/util/privileges.hpp"
#include "server/imap/junk_learning.hpp"
#include "server/imap/processes.hpp"
#include "server/managesieve/processes.hpp"
#include "server/pop3/processes.hpp"
#include "server/process.hpp"

namespace mailroom::server {
namespace {

volatile sig_atomic_t g_reload = 0;  // SIGHUP arrived: read the certificate again

void on_hangup(int /*signal*/) { g_reload = 1; }

[[noreturn]] void exit_process(int status) {
  log::flush();
  std::_Exit(status);
}

Status send_request(int spawner, const std::string& payload, std::initializer_list<int> fds) {
  if (send_with_fds(spawner, payload, fds) < 0)
    return fail_errno(ErrorKind::temporary, "request to the spawner", errno);
  return ok();
}

struct Request {
  std::vector<std::string> fields;  // NUL-separated; the first is "L" or "S"
  std::vector<int> fds;
};

// Blocks for the next request; nullopt when the listener is gone.
std::optional<Request> receive(int control, std::optional<net::TlsContext>& tls,
                               const ServeConfig& serve) {
  for (;;) {
    std::array<char, 8192> buffer{};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * 2)> space{};
    iovec io{buffer.data(), buffer.size()};
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = space.data();
    message.msg_controllen = space.size();
    ssize_t n = ::recvmsg(control, &message, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) {
      if (g_reload != 0) {
        g_reload = 0;
        auto fresh = net::TlsContext::load(serve.tls_cert, serve.tls_key);
        if (fresh) {
          tls = std::move(*fresh);
          log::info("serve: reloaded the TLS certificate");
        } else {
          log::error("serve: reload: {}; keeping the old certificate", fresh.error().message);
        }
      }
      continue;
    }
    if (n <= 0) return std::nullopt;
    Request request;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count; ++i) {
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        request.fds.push_back(fd);
      }
    }
    std::string_view text(buffer.data(), static_cast<std::size_t>(n));
    for (;;) {
      auto nul = text.find('\0');
      request.fields.emplace_back(text.substr(0, nul));
      if (nul == std::string_view::npos) break;
      text.remove_prefix(nul + 1);
    }
    return request;
  }
}

template <class Number>
Number to_number(const std::string& text) {
  Number value{};
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// In the forked child: `failure` is logged and the process ends.
void die_unless(const Status& status) {
  if (status) return;
  log::error("serve: {}", status.error().message);
  exit_process(75);
}

// The login process of a ManageSieve connection (after the privilege drop).
int run_managesieve_login(const Config& config, const std::optional<net::TlsContext>& tls,
                          const std::string& peer_ip) {
  managesieve::LoginSetup login;
  login.tls = tls ? &*tls : nullptr;
  login.policy.starttls_possible = tls.has_value();
  login.policy.plaintext_without_tls =
      config.serve.plaintext_on_loopback && net::is_loopback(peer_ip);
  login.policy.max_redirects = config.sieve.max_redirects;
  login.limits = limits_from(config.serve);
  return managesieve::run_login(net::Stream(UniqueFd(3)), 4, login);
}

// The login process of an IMAP connection (after the privilege drop).
int run_imap_login(const Config& config, const std::optional<net::TlsContext>& tls,
                   const net::ListenerSpec& spec, const std::string& peer_ip) {
  imap::LoginSetup login;
  login.implicit_tls = spec.implicit_tls;
  login.tls = tls ? &*tls : nullptr;
  login.policy.starttls_possible = tls.has_value() && !spec.implicit_tls;
  login.policy.plaintext_without_tls =
      config.serve.plaintext_on_loopback && net::is_loopback(peer_ip);
  login.limits = limits_from(config.serve);
  return imap::run_login(net::Stream(UniqueFd(3)), 4, login);
}

void run_login_child(const SpawnerSetup& setup, const std::optional<net::TlsContext>& tls,
                     const Request& request) {
  const auto& config = *setup.config;
  std::size_t index = to_number<std::size_t>(request.fields[1]);
  if (index >= setup.specs.size()) exit_process(70);
  const auto& spec = setup.specs[index];
  enter_child({request.fds[0], request.fds[1]}, config.log, config.serve.session_memory);
  die_unless(become_ids(setup.login_user.name, setup.login_user.uid, setup.login_user.gid, false));
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // after the uid change, which clears it
  pop3::LoginSetup login;
  login.implicit_tls = spec.implicit_tls;
  login.tls = tls ? &*tls : nullptr;
  login.policy.stls_possible = tls.has_value() && !spec.implicit_tls;
  login.policy.plaintext_without_tls =
      config.serve.plaintext_on_loopback && net::is_loopback(request.fields[2]);
  login.limits = limits_from(config.serve);
  if (spec.protocol == "sieve") exit_process(run_managesieve_login(config, tls, request.fields[2]));
  if (spec.protocol == "imap") exit_process(run_imap_login(config, tls, spec, request.fields[2]));
  exit_process(pop3::run_login(net::Stream(UniqueFd(3)), 4, login));
}

// The IMAP session's folders and, for learning from moves into and out of
// Junk, the user's spam store where deliver and `mailroom learn` find it.
imap::SessionSetup imap_setup(const Config& config, const std::string& user,
                              const std::string& home) {
  imap::SessionSetup setup{config.maildir.special_use};
  setup.learn_junk = config.serve.imap_learn_junk;
  setup.spam_store = spam::store_location(config.spam.store.empty()
                                              ? spam::user_store_dir(home)
                                              : expand_user_path(config.spam.store, home, user),
                                          config.spam, user);
  return setup;
}

void run_session_child(const SpawnerSetup& setup, const Request& request) {
  const auto& config = *setup.config;
  std::size_t index = to_number<std::size_t>(request.fields[6]);
  const bool imap = index < setup.specs.size() && setup.specs[index].protocol == "imap";
  // The spam store is an LMDB map: address space, not memory, that
  // RLIMIT_AS would otherwise refuse (junk_learning.hpp).
  const std::uint64_t learning =
      imap && config.serve.imap_learn_junk ? imap::kSpamStoreAddressSpace : 0;
  enter_child({request.fds[0]}, config.log, config.serve.session_memory + learning);
  die_unless(become_ids(request.fields[3], to_number<uid_t>(request.fields[1]),
                        to_number<gid_t>(request.fields[2]), config.users.allow_gid_0));
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (index < setup.specs.size() && setup.specs[index].protocol == "sieve")
    exit_process(managesieve::run_session(
        3, managesieve::session_setup(config, request.fields[3], request.fields[5])));
  if (imap)
    exit_process(imap::run_session(3, request.fields[4], limits_from(config.serve),
                                   imap_setup(config, request.fields[3], request.fields[5])));
  exit_process(pop3::run_session(3, request.fields[4], limits_from(config.serve)));
}

[[noreturn]] void spawner_main(const SpawnerSetup& setup, int control) {
  const auto& config = *setup.config;
  // Its IMAP sessions may train the spam store (run_session_child).
  enter_child({control}, config.log, config.serve.session_memory,
              config.serve.imap_learn_junk ? imap::kSpamStoreAddressSpace : 0);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // the listener is gone: so are we
  ::signal(SIGCHLD, SIG_IGN);          // the kernel reaps our children
  struct sigaction hangup {};
  hangup.sa_handler = on_hangup;  // no SA_RESTART: recvmsg returns EINTR
  ::sigaction(SIGHUP, &hangup, nullptr);
  std::optional<net::TlsContext> tls;
  if (!config.serve.tls_cert.empty()) {
    auto loaded = net::TlsContext::load(config.serve.tls_cert, config.serve.tls_key);
    if (!loaded) {
      log::error("serve: {}", loaded.error().message);
      exit_process(78);
    }
    tls = std::move(*loaded);
  }
  while (auto request = receive(3, tls, config.serve)) {
    bool login =
        request->fields[0] == "L" && request->fields.size() == 3 && request->fds.size() == 2;
    bool session =
        request->fields[0] == "S" && request->fields.size() == 7 && request->fds.size() == 1;
    if ((login || session) && ::fork() == 0) {
      if (login) run_login_child(setup, tls, *request);
      run_session_child(setup, *request);
    }
    for (int fd : request->fds) ::close(fd);
  }
  exit_process(0);
}

}  // namespace

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

Result<std::pair<pid_t, int>> start_spawner(const SpawnerSetup& setup) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    return fail_errno(ErrorKind::temporary, "socketpair", errno);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pair[0]);
    spawner_main(setup, pair[1]);
  }
  ::close(pair[1]);
  if (pid < 0) {
    ::close(pair[0]);
    return fail_errno(ErrorKind::temporary, "fork", errno);
  }
  return std::make_pair(pid, pair[0]);
}

Status request_login(int spawner, int client, int broker, std::size_t listener,
                     const std::string& peer_ip) {
  return send_request(spawner,
                      "L" + std::string(1, '\0') + std::to_string(listener) + '\0' + peer_ip,
                      {client, broker});
}

Status request_session(int spawner, int login_end, const Account& account, std::size_t listener) {
  std::string payload = "S";
  for (const auto& field : {std::to_string(account.uid), std::to_string(account.gid), account.name,
                            account.maildir, account.home, std::to_string(listener)})
    payload += '\0' + field;
  return send_request(spawner, payload, {login_end});
}

}  // namespace mailroom::server
