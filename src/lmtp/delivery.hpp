// Delivering one LMTP transaction: each accepted recipient by the worker
// of its uid (lmtp/worker.hpp) or, where the configuration needs files
// opened as root per message, in a process of its own (mailroom-lmtp(8),
// "Privileges"); either runs deliver's pipeline and drops to the
// recipient's uid before it touches any of their files. A crash fails
// that process's recipients alone, with a 4xx.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lmtp/counters.hpp"
#include "lmtp/protocol.hpp"
#include "lmtp/user_cache.hpp"
#include "mailroom/deliver/recipient.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::lmtp {

// Which user a recipient address names (lmtp.user_name): "local" takes the
// local part without its detail ("bob" of "bob+lists@example.net");
// "address" the whole address.
[[nodiscard]] std::string user_for(std::string_view address, const Config& config);

// The users found at RCPT TO in this session, by name: the delivery
// takes them from here rather than look them up a second time (and as
// the recipient, who may not read the users file).
using LookedUp = std::map<std::string, deliver::MailUser, std::less<>>;

// The entry of `user` in `looked_up`; nullptr when it is not there.
[[nodiscard]] const deliver::MailUser* looked_up_user(const LookedUp& looked_up,
                                                      const std::string& user);

// The RCPT TO check: 550 5.1.1 for an unknown user, 451 when the lookup
// failed; nullopt (`user` set, what was found in `looked_up`) to accept.
// The user is asked of `users` (the session's, lmtp/user_cache.hpp).
[[nodiscard]] std::optional<Reply> check_recipient(std::string_view address, const Config& config,
                                                   UserCache& users, std::string& user,
                                                   LookedUp& looked_up);

// deliver's exit code, enhanced status and reason as the LMTP reply for
// that recipient (mirrors mailroom-deliver(8), "EXIT STATUS").
[[nodiscard]] Reply reply_for(int exit_code, std::string_view status, std::string_view reason);

class WorkerPool;

// One reply per recipient of `message`, in order; each only after that
// recipient's copy is durable (or refused).
// The time of each stage is added to `counters` (nullptr: not counted).
// With `workers` (WorkerPool::usable) each recipient goes to the worker of
// its uid, else to a process of its own.
// A recipient's user is taken from `looked_up` (check_recipient) when it
// is there, else looked up again.
[[nodiscard]] std::vector<Reply> deliver_all(const Transaction& message, const Config& config,
                                             Counters* counters, const LookedUp& looked_up,
                                             WorkerPool* workers = nullptr);

}  // namespace mailroom::lmtp
