// The not-authenticated state of RFC 3501 (section 6.1 and 6.2), run by the
// unprivileged login process: CAPABILITY, NOOP, LOGOUT, ID, STARTTLS,
// LOGIN, AUTHENTICATE PLAIN (with SASL-IR, RFC 4959). Pure: it says what to
// do next; the caller talks to the network and to the privileged password
// check.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/server/imap.hpp"
#include "server/broker.hpp"

namespace mailroom::server::imap {

struct Step {
  enum class Action { reply, start_tls, check_password, logout, auth_continue };
  Action action = Action::reply;
  std::string reply;  // sent before the action
  std::string tag;    // of the command that logs in
  std::string user;
  std::string password;
};

struct LoginPolicy {
  bool tls_active = false;
  bool starttls_possible = false;      // a certificate, and not implicit TLS
  bool plaintext_without_tls = false;  // loopback peer and serve.plaintext_on_loopback
};

class NotAuthenticated {
 public:
  explicit NotAuthenticated(LoginPolicy policy) : policy_(policy) {}
  // One framed command (CommandReader's text).
  [[nodiscard]] Step handle(std::string_view text, const CommandLimits& limits);
  // The client's line after "+ " of AUTHENTICATE PLAIN.
  [[nodiscard]] Step auth_response(std::string_view line);
  void tls_started() { policy_.tls_active = true; }
  [[nodiscard]] bool plaintext_allowed() const {
    return policy_.tls_active || policy_.plaintext_without_tls;
  }
  [[nodiscard]] std::string greeting() const;

 private:
  [[nodiscard]] Step plain(std::string_view base64);
  [[nodiscard]] Step command(const Command& command);
  LoginPolicy policy_;
  std::string auth_tag_;  // AUTHENTICATE waiting for its response
};

// The listener's refusal as the tagged NO of RFC 5530's response codes.
[[nodiscard]] std::string refusal(std::string_view tag, Refusal reason);

}  // namespace mailroom::server::imap
