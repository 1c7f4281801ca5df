// What deliver does to a message it sends on through sieve.sendmail
// (issue 13, "Forwarding that does not break the receiver's checks"), as
// one step before the sendmail pipe: the envelope sender rewritten with
// SRS (srs.*), so that SPF at the next hop checks us; an ARC set on top
// (arc_seal.*, RFC 8617) recording what our authentication found, so that
// the next hop can trust it when DMARC breaks on the forwarded copy. Our
// loop field is added by send_redirect() itself. And the other way: a
// bounce to one of our SRS addresses goes back to the original sender.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/auth/authenticate.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::deliver {

// arc_seal.key and srs.secret_file, opened while deliver may still be root
// (root-only files), read only when a message goes out. A file that cannot
// be opened is not an error here: using it is, and is logged then.
struct OutgoingKeys {
  UniqueFd arc_key;
  UniqueFd srs_secrets;
};
[[nodiscard]] OutgoingKeys open_outgoing_keys(const Config& config);

struct Outgoing {
  std::string sender;  // the envelope sender to give sendmail
  std::string head;    // fields to put on top of the message (the ARC set), or ""
  std::string note;    // for the delivery log: " srs=<...> arc=i=1,cv=none"
};

// The transform of one message. `auth` is null when authentication did
// not run (auth.enabled = false): nothing to record, so no ARC set. Never
// fails: what cannot be done is logged and the message goes out without
// it (the redirect is still better than none).
[[nodiscard]] Outgoing prepare_outgoing(const Config& config, const OutgoingKeys& keys,
                                        const message::Message& message, std::string_view sender,
                                        const auth::AuthResults* auth);

// True when `recipient` is an SRS address (SRS0/SRS1) in srs.domain.
[[nodiscard]] bool is_our_srs_address(const SrsConfig& config, std::string_view recipient);

// A bounce to one of our SRS addresses: the address reversed (valid hash,
// not older than srs.max_age) and the message sent there through
// sieve.sendmail with `sender` (normally the null sender) as it came.
// ErrorKind::rejected when the address does not verify: nobody may use
// us to relay mail to an address of their choice. `where` receives the
// reversed address for the log.
[[nodiscard]] Status return_bounce(const Config& config, const OutgoingKeys& keys,
                                   std::string_view recipient, const std::string& sender,
                                   std::string_view message, std::string& where);

}  // namespace mailroom::deliver
