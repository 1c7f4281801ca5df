// The non-authenticated state of RFC 5804, run by the unprivileged login
// process: CAPABILITY, STARTTLS (§2.2), AUTHENTICATE PLAIN (§2.1, RFC
// 4616), NOOP, LOGOUT. Pure: it says what to do next; the caller talks to
// the network and to the privileged password check.
#pragma once

#include <cstddef>
#include <string>

#include "mailroom/server/managesieve.hpp"

namespace mailroom::server::managesieve {

struct LoginPolicy {
  bool tls_active = false;
  bool starttls_possible = false;      // a certificate is configured
  bool plaintext_without_tls = false;  // loopback peer and serve.plaintext_on_loopback
  std::size_t max_redirects = 0;       // sieve.max_redirects, for MAXREDIRECTS
};

struct LoginStep {
  enum class Action { reply, start_tls, check_password, quit };
  Action action = Action::reply;
  std::string reply;  // sent before the action
  std::string user;
  std::string password;
};

class LoginState {
 public:
  explicit LoginState(LoginPolicy policy) : policy_(policy) {}
  [[nodiscard]] LoginStep handle(const Event& event);
  // The greeting, and what is sent again after the TLS handshake (§2.2):
  // the capabilities and an OK.
  [[nodiscard]] std::string greeting() const;
  void tls_started() { policy_.tls_active = true; }

 private:
  [[nodiscard]] bool plaintext_allowed() const {
    return policy_.tls_active || policy_.plaintext_without_tls;
  }
  [[nodiscard]] CapabilityState capability_state() const;
  [[nodiscard]] LoginStep authenticate(const Event& event);
  [[nodiscard]] LoginStep plain_response(const std::string& base64);
  LoginPolicy policy_;
  bool awaiting_response_ = false;  // the empty challenge is out (§2.1)
};

}  // namespace mailroom::server::managesieve
