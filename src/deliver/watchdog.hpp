// The delivery deadline, in one place. Past it the process exits 75 (the
// MTA retries), but only BEFORE anything is linked into new/: a 75 after a
// link would make the MTA deliver a second copy. maildir::Delivery raises
// a "linking" flag before its first link and sets "linked" before it
// lowers it; the handler asks both. After a link the deadline no
// longer ends the process: it interrupts what still blocks (the quota
// bookkeeping opening a FIFO, a lock wait), every second from then on, so
// nothing after the link can hang and the exit code stays 0.
#pragma once

#include <chrono>

namespace mailroom::deliver::watchdog {

// Arms SIGALRM for `deadline` (again: the configured one replaces the
// default armed before the configuration was read). The handler uses
// async-signal-safe calls only; it is installed by the first call in a
// process (and its forks), later calls only set the alarm: an LMTP session
// arms the watchdog for every message it delivers.
void arm(std::chrono::seconds deadline) noexcept;
//
// The deadline applies until the first link (exit 75 is right while
// nothing is in new/); while maildir::Delivery links, and after a link,
// the handler only interrupts what still blocks.

}  // namespace mailroom::deliver::watchdog
