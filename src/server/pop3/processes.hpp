// The two processes of a POP3 connection (mailroom-serve(8), "Privileges").
#pragma once

#include <string>

#include "mailroom/net/limits.hpp"
#include "mailroom/net/tls.hpp"
#include "server/pop3/authorization.hpp"

namespace mailroom::server::pop3 {

// The login process, unprivileged: greeting, TLS, AUTHORIZATION state. A
// password goes to the listening process over `broker` (a SOCK_SEQPACKET
// socket) as "user NUL password"; the answer is "K" with the descriptor of
// the session process attached, or "E" and the -ERR line to send. After a
// login it relays bytes between the client (TLS included) and the session.
// Returns the process's exit status.
struct LoginSetup {
  bool implicit_tls = false;
  const net::TlsContext* tls = nullptr;  // null: no certificate configured
  AuthorizationPolicy policy;
  net::Limits limits;
};
int run_login(net::Stream client, int broker, const LoginSetup& setup);

// The session process, running as the user: opens the maildrop, answers
// the PASS/AUTH with its greeting and serves TRANSACTION and UPDATE over
// `login` (plaintext; the login process holds the TLS).
int run_session(int login, const std::string& maildir, const net::Limits& limits);

}  // namespace mailroom::server::pop3
