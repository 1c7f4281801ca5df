// Process-wide table of tmp/ files written but not yet committed, readable
// from a signal handler: fixed-size slots, lock-free atomics, no allocation.
#pragma once

#include <cstddef>

namespace mailroom::maildir::detail {

constexpr std::size_t kMaxStagedFiles = 64;
constexpr std::size_t kMaxStagedName = 256;  // NAME_MAX + 1

// Claims a slot for dirfd/name; -1 when the table is full or name too long.
int register_staged(int dirfd, const char* name) noexcept;
void unregister_staged(int slot) noexcept;

void set_any_linked() noexcept;

// While a commit links (true from before its first link until its outcome
// is recorded by set_any_linked): the watchdog then counts the delivery as
// linked, as it would once set_any_linked is called. A flag instead of
// blocking SIGALRM around the commit: two rt_sigprocmask(2) less a message
// in a process that delivers again and again (mailroom lmtp), and it holds
// for a signal taken by any thread.
void set_linking(bool linking) noexcept;

}  // namespace mailroom::maildir::detail
