// The AUTHORIZATION state of RFC 1939 section 4, run by the unprivileged
// login process: USER/PASS, AUTH PLAIN (RFC 5034), STLS (RFC 2595), CAPA.
// Pure: it says what to do next; the caller talks to the network and to
// the privileged password check.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/pop3/capabilities.hpp"

namespace mailroom::server::pop3 {

struct Step {
  enum class Action { reply, start_tls, check_password, quit };
  Action action = Action::reply;
  std::string reply;  // sent before the action (for start_tls: "+OK begin TLS")
  std::string user;
  std::string password;
};

struct AuthorizationPolicy {
  bool tls_active = false;
  bool stls_possible = false;          // a certificate, and not implicit TLS
  bool plaintext_without_tls = false;  // loopback peer and serve.plaintext_on_loopback
};

class Authorization {
 public:
  explicit Authorization(AuthorizationPolicy policy) : policy_(policy) {}
  [[nodiscard]] Step handle(std::string_view line);
  void tls_started() { policy_.tls_active = true; }

 private:
  [[nodiscard]] bool plaintext_allowed() const {
    return policy_.tls_active || policy_.plaintext_without_tls;
  }
  [[nodiscard]] Step auth(const std::string& mechanism, const std::optional<std::string>& initial);
  [[nodiscard]] Step plain_response(std::string_view base64);
  AuthorizationPolicy policy_;
  std::string user_;             // after USER
  bool awaiting_plain_ = false;  // "AUTH PLAIN" sent, "+ " continuation out
};

// Strict RFC 4648 base64 (padding required, no spaces); nullopt if invalid.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view text);

}  // namespace mailroom::server::pop3
