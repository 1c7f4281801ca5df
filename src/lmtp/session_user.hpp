// lmtp.session_user (mailroom-lmtp(8), "Privileges"): for a host whose
// mail all belongs to one uid (virtual users of one mail uid), each session
// drops to that user's uid and gid for good when it starts, before it reads
// a command, and delivers every recipient itself: no worker, no hop from
// the session to a worker and back for each message (bench/lmtp).
// A recipient of any other uid or gid is refused with 451 4.3.0, never
// delivered.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>
#include <vector>

#include "lmtp/counters.hpp"
#include "lmtp/delivery.hpp"
#include "lmtp/protocol.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::lmtp {

struct SessionIds {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Whether `config` asks for it and allows it: not where deliver needs files
// opened as root for each message (WorkerPool::usable).
[[nodiscard]] bool wants_session_user(const Config& config);

// At start and reload: a warning when lmtp.session_user is set but not
// used (files deliver opens as root are configured).
void warn_unused_session_user(const Config& config);

// Looks lmtp.session_user up (passwd) and drops this process to its uid
// and gid for good (uid 0 refused, gid 0 unless users.allow_gid_0), not
// dumpable (its user cannot read its memory), ready to deliver.
[[nodiscard]] Result<SessionIds> become_session_user(const Config& config);

// The RCPT TO check after the user was found: nullopt when `user` is of
// the session's uid and gid, else 451 4.3.0 (logged: a misconfiguration).
[[nodiscard]] std::optional<Reply> refuse_other_ids(std::string_view address,
                                                    const deliver::MailUser& user,
                                                    const SessionIds& ids);

// One reply per recipient of `message`, each delivered in this process in
// turn (its user taken from `looked_up`).
[[nodiscard]] std::vector<Reply> deliver_in_session(const Transaction& message,
                                                    const Config& config, Counters* counters,
                                                    const LookedUp& looked_up);

}  // namespace mailroom::lmtp
