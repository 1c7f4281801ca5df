// The two processes of a ManageSieve connection (mailroom-serve(8),
// "Privileges"), as for POP3: a login process as serve.login_user for
// everything before AUTHENTICATE succeeds (TLS included), then a session
// process as the user for the script commands.
#pragma once

#include <string>

#include "mailroom/net/limits.hpp"
#include "mailroom/net/tls.hpp"
#include "mailroom/util/config.hpp"
#include "server/managesieve/login_state.hpp"
#include "server/managesieve/scripts.hpp"

namespace mailroom::server::managesieve {

struct LoginSetup {
  const net::TlsContext* tls = nullptr;  // null: no certificate configured
  LoginPolicy policy;
  net::Limits limits;
};
// The password goes to the listening process over `broker` (broker.hpp).
int run_login(net::Stream client, int broker, const LoginSetup& setup);

struct SessionSetup {
  StoreSetup store;
  net::Limits limits;
  std::size_t max_redirects = 0;
};
// Paths and limits of `user` (home `home`) from the configuration.
[[nodiscard]] SessionSetup session_setup(const Config& config, const std::string& user,
                                         const std::string& home);
// Answers the AUTHENTICATE with OK and serves the authenticated state over
// `login` (plaintext; the login process holds the TLS).
int run_session(int login, const SessionSetup& setup);

}  // namespace mailroom::server::managesieve
