// The worker's side of lmtp/worker.hpp: the loop of a forked worker.
#pragma once

#include <sys/types.h>

#include <string>

#include "lmtp/counters.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::lmtp {

// In the child just forked by the session: keeps `channel` (as fd 3) and
// closes every other descriptor, drops to uid and gid (exits 75 if it
// cannot: no request is read as root), then delivers one request at a time
// until the session closes the channel.
[[noreturn]] void run_worker(int channel, uid_t uid, gid_t gid, const std::string& user,
                             const Config& config, Counters* counters);

}  // namespace mailroom::lmtp
