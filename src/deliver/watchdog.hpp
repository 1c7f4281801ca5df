// The delivery deadline. Past it the process exits 75 (the MTA retries) —
// but only BEFORE anything is linked into new/: once the commit starts, a
// timeout would make the MTA deliver a second copy, so it is held off.
#pragma once

#include <chrono>

namespace mailroom::deliver::watchdog {

// Arms SIGALRM for `deadline`. The handler removes staged tmp files and
// _exit(75)s; it uses async-signal-safe calls only.
void arm(std::chrono::seconds deadline) noexcept;

// From here on the deadline no longer applies (it is blocked, then ignored).
void enter_commit() noexcept;

}  // namespace mailroom::deliver::watchdog
