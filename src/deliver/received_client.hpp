// Where the SMTP client comes from when the MTA does not say (Postfix's
// mailbox_command gets no client address): the topmost Received: field,
// if this host's MTA wrote it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::deliver {

// The names a Received: field's "by" clause may give for the MTA that
// handed us the message: this host's name (gethostname), its FQDN (the
// canonical name of the line of `hosts_file` that lists it, as `hostname -f`
// finds it), auth.authserv_id when set (RFC 8601 §2.5: a name of this
// ADMD's server) and the names of auth.trusted_mta (separated by spaces or
// commas).
[[nodiscard]] std::vector<std::string> received_by_names(
    const AuthenticationConfig& config, std::string_view hosts_file = "/etc/hosts");

// The client of the topmost Received: field when its "by" host is one of
// `by_names`. Only the topmost: each MTA adds its field on top, so that one
// is our MTA's own; any field below it may have been written by the sender.
struct ReceivedClient {
  std::string ip;
  std::string helo;
};
[[nodiscard]] std::optional<ReceivedClient> client_from_received(
    const message::Message& message, const std::vector<std::string>& by_names);

}  // namespace mailroom::deliver
