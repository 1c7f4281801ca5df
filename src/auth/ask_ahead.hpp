// The first DNS question of every check, sent before any check runs.
//
// SPF, DKIM and DMARC are evaluated one after another, and each starts by
// waiting for an answer: the SPF record of the envelope domain (RFC 7208
// §4.4), each signature's key at <s>._domainkey.<d> (RFC 6376 §3.6.2.1),
// the DMARC record at _dmarc.<From domain> (RFC 7489 §6.6.3). None of these
// questions depends on another's answer, so they are sent together and the
// checks then find them answered (or on their way): one round trip instead
// of one per check. What an answer leads to (SPF includes, the DMARC
// organisational domain) is still asked when it is known.
#pragma once

#include <cstddef>

#include "mailroom/auth/authenticate.hpp"
#include "mailroom/auth/dkim_verify.hpp"
#include "mailroom/dns/resolver.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::auth {

// Sends those questions on `resolver`. The signatures are parsed under
// `limits` into `signed_message` (of `message`), where the verifier finds them.
void ask_ahead(const message::Message& message, SignedMessage& signed_message,
               const DkimLimits& limits, const AuthInput& input, dns::Resolver& resolver);

// DKIM-Signature and ARC-Message-Signature fields (0: no crypto needed).
[[nodiscard]] std::size_t count_signatures(const message::Message& message);

}  // namespace mailroom::auth
