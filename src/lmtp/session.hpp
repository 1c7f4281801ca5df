// One LMTP connection, in a process of its own forked by the listener:
// moves bytes between the socket and the Protocol, and hands each complete
// message to deliver_all().
#pragma once

#include <csignal>
#include <string>

#include "lmtp/counters.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::lmtp {

// Set by SIGTERM in the session process: finish the transaction, then 421.
extern volatile std::sig_atomic_t session_stopping;

// Serves the connection on `fd` until QUIT, the client's end, the idle
// timeout or shutdown; returns the process's exit status.
// `counters` may be nullptr.
[[nodiscard]] int run_session(int fd, const std::string& peer, const Config& config,
                              Counters* counters);

}  // namespace mailroom::lmtp
