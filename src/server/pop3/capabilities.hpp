// CAPA (RFC 2449 section 5): what this server offers in each state.
#pragma once

#include <string>

namespace mailroom::server::pop3 {

struct CapaState {
  bool authorized = false;         // TRANSACTION state
  bool offer_stls = false;         // STLS possible: certificate, not yet TLS, not implicit TLS
  bool plaintext_allowed = false;  // USER/PASS and AUTH PLAIN allowed now
};

[[nodiscard]] std::string capabilities(const CapaState& state);

}  // namespace mailroom::server::pop3
