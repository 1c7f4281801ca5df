// `mailroom serve`: POP3 (and later IMAP, ManageSieve) over the Maildirs
// that `deliver` writes. The process model is in mailroom-serve(8),
// "Privileges", and at the top of src/server/serve.cpp.
#pragma once

#include "mailroom/util/config.hpp"

namespace mailroom::server {

// Runs until SIGTERM; the exit status of the command (0, or 75/78 when it
// cannot start: 78 for a configuration error).
[[nodiscard]] int serve(const Config& config);

}  // namespace mailroom::server
