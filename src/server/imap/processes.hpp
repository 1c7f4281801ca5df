// The two processes of an IMAP connection (mailroom-serve(8), "Privileges"),
// as POP3's (server/pop3/processes.hpp).
#pragma once

#include <chrono>
#include <string>

#include "mailroom/net/limits.hpp"
#include "mailroom/net/tls.hpp"
#include "server/imap/not_authenticated.hpp"
#include "server/imap/session.hpp"

namespace mailroom::server::imap {

// RFC 3501 section 5.4: the inactivity autologout timer is at least 30
// minutes once logged in (IDLE clients renew every 29); serve.idle_timeout
// may make it longer, never shorter.
[[nodiscard]] std::chrono::milliseconds autologout(const net::Limits& limits);

// The login process, unprivileged: greeting, TLS, the not-authenticated
// state. A password goes to the listening process over `broker`; on
// success the session process gets "<tag of the login>\r\n" followed by
// whatever the client pipelined, and the login process relays bytes
// (with TLS) or hands the client's socket over and ends (without).
struct LoginSetup {
  bool implicit_tls = false;
  const net::TlsContext* tls = nullptr;  // null: no certificate configured
  LoginPolicy policy;
  net::Limits limits;
};
int run_login(net::Stream client, int broker, const LoginSetup& setup);

// The session process, running as the user: answers the login's tag and
// serves the authenticated and selected states over `login` (plaintext;
// the login process holds the TLS), or over the client's socket when the
// login process handed it over.
int run_session(int login, const std::string& maildir, const net::Limits& limits,
                const SessionSetup& setup);

}  // namespace mailroom::server::imap
