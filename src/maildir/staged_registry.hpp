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

}  // namespace mailroom::maildir::detail
