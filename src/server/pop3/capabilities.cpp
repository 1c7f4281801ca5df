#include "server/pop3/capabilities.hpp"

namespace mailroom::server::pop3 {

std::string capabilities(const CapaState& state) {
  std::string out = "+OK capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\n";
  // AUTH-RESP-CODE: RFC 3206 section 6; [AUTH] and [SYS/TEMP] on failures.
  out += "AUTH-RESP-CODE\r\n";
  if (!state.authorized) {
    if (state.plaintext_allowed) out += "USER\r\nSASL PLAIN\r\n";
    if (state.offer_stls) out += "STLS\r\n";
  }
  out += "EXPIRE NEVER\r\nLOGIN-DELAY 0\r\nIMPLEMENTATION mailroom\r\n.\r\n";
  return out;
}

}  // namespace mailroom::server::pop3
