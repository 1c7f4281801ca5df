// CAPABILITY (RFC 3501 section 6.1.1): what this server offers in each
// state, and the greeting that carries it (RFC 3501 section 7.1,
// the CAPABILITY response code, so clients need not ask).
#pragma once

#include <string>

namespace mailroom::server::imap {

struct CapaState {
  bool authenticated = false;
  bool offer_starttls = false;     // a certificate, not yet TLS, not implicit TLS
  bool plaintext_allowed = false;  // LOGIN and AUTHENTICATE PLAIN allowed now
};

// "IMAP4rev1 LITERAL+ ..." without "* CAPABILITY" and without CRLF.
[[nodiscard]] std::string capabilities(const CapaState& state);

}  // namespace mailroom::server::imap
