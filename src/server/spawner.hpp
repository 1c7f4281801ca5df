// The spawner: the one process that forks the processes of connections.
//
// It is forked by the listener at start-up, before any client has sent a
// byte or any password has been checked, and stays root (it must make
// processes of any user) but parses nothing from clients: it only takes
// requests from the listener over a socketpair. So its memory holds the
// configuration and the TLS key and never a password, a password hash or
// another session's data, and neither does any process it forks. (Forked
// from the listener, a login or session process would inherit the heap in
// which the listener checked other users' passwords.)
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "mailroom/net/limits.hpp"
#include "mailroom/net/listener.hpp"
#include "mailroom/net/tls.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/passwd.hpp"
#include "mailroom/util/result.hpp"
#include "server/account.hpp"

namespace mailroom::server {

struct SpawnerSetup {
  const Config* config = nullptr;
  std::vector<net::ListenerSpec> specs;
  PasswdEntry login_user;
};

// The limits of [serve] as the network layer takes them.
[[nodiscard]] net::Limits limits_from(const ServeConfig& serve);

// Forks the spawner; returns its pid and the listener's end of the
// request socket.
[[nodiscard]] Result<std::pair<pid_t, int>> start_spawner(const SpawnerSetup& setup);

// Requests from the listener. Each passes descriptors (SCM_RIGHTS) that the
// caller still owns and closes afterwards.
[[nodiscard]] Status request_login(int spawner, int client, int broker, std::size_t listener,
                                   const std::string& peer_ip);
// `listener` is the index of the listener the client came in on.
[[nodiscard]] Status request_session(int spawner, int login_end, const Account& account,
                                     std::size_t listener);

}  // namespace mailroom::server
