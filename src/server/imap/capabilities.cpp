#include "server/imap/capabilities.hpp"

namespace mailroom::server::imap {

std::string capabilities(const CapaState& state) {
  // LITERAL+ (RFC 7888), SASL-IR (RFC 4959), ID (RFC 2971), ENABLE (RFC
  // 5161), IDLE (RFC 2177), NAMESPACE (RFC 2342), UIDPLUS (RFC 4315), MOVE
  // (RFC 6851), UNSELECT (RFC 3691), SPECIAL-USE (RFC 6154), CHILDREN
  // (RFC 3348), BINARY (RFC 3516).
  std::string out = "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE";
  if (state.authenticated) return out + " UIDPLUS MOVE UNSELECT SPECIAL-USE CHILDREN BINARY";
  if (state.offer_starttls) out += " STARTTLS";
  // RFC 3501 section 6.2.3: LOGINDISABLED while LOGIN would be refused.
  out += state.plaintext_allowed ? " AUTH=PLAIN" : " LOGINDISABLED";
  return out;
}

}  // namespace mailroom::server::imap
