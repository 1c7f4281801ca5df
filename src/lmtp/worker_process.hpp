// The worker's side of lmtp/worker.hpp: the loop of a forked worker.
#pragma once

#include <sys/types.h>

#include <string>

#include "lmtp/counters.hpp"
#include "lmtp/protocol.hpp"
#include "mailroom/deliver/recipient.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::lmtp {

// In the child just forked by the session: keeps `channel` (as fd 3) and
// closes every other descriptor, drops to uid and gid (exits 75 if it
// cannot: no request is read as root), then delivers one request at a time
// until the session closes the channel.
[[noreturn]] void run_worker(int channel, uid_t uid, gid_t gid, const std::string& user,
                             const Config& config, Counters* counters);

// Once, in a process about to deliver (after it dropped to its uid): the
// MTA's envelope variables unset (a delivery over LMTP takes its envelope
// from the transaction only), the user's Maildirs held between deliveries.
void prepare_deliveries();

// One recipient of `message` delivered in this process, as a worker
// delivers it (deliver's pipeline, with its own deadline), for a session
// running as lmtp.session_user: `user` must be of this process's uid.
[[nodiscard]] Reply deliver_here(const Transaction& message, const Recipient& recipient,
                                 const deliver::MailUser& user, const Config& config,
                                 Counters* counters);

}  // namespace mailroom::lmtp
