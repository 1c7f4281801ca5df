// The watchdog's SIGALRM handler may interrupt a delivery anywhere. It must
// not allocate or lock (POSIX async-signal-safety), so the staged names live
// in static fixed-size slots and the handler only calls unlinkat(2), which
// is async-signal-safe. A slot becomes visible to the handler only after its
// name is complete (release store), so the handler never reads half a name.
#include "maildir/staged_registry.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "mailroom/maildir/delivery.hpp"

namespace mailroom::maildir {
namespace detail {
namespace {

enum SlotState : int { kFree = 0, kFilling = 1, kActive = 2 };

struct Slot {
  std::atomic<int> state{kFree};
  int dirfd = -1;
  char name[kMaxStagedName] = {};
};

static_assert(std::atomic<int>::is_always_lock_free, "signal handlers need lock-free atomics");

Slot g_slots[kMaxStagedFiles];
std::atomic<bool> g_any_linked{false};
std::atomic<bool> g_linking{false};

}  // namespace

int register_staged(int dirfd, const char* name) noexcept {
  const std::size_t len = std::strlen(name);
  if (len >= kMaxStagedName) return -1;
  for (std::size_t i = 0; i < kMaxStagedFiles; ++i) {
    int expected = kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, kFilling)) continue;
    g_slots[i].dirfd = dirfd;
    std::memcpy(g_slots[i].name, name, len + 1);
    g_slots[i].state.store(kActive, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_staged(int slot) noexcept {
  if (slot < 0 || static_cast<std::size_t>(slot) >= kMaxStagedFiles) return;
  g_slots[slot].state.store(kFree, std::memory_order_release);
}

void set_any_linked() noexcept { g_any_linked.store(true, std::memory_order_release); }

// Sequentially consistent: the store is ordered before the linkat(2) that
// follows it, for a handler on this thread and on any other.
void set_linking(bool linking) noexcept { g_linking.store(linking); }

}  // namespace detail

void unlink_staged_tmp_files_from_signal_handler() noexcept {
  const int saved_errno = errno;  // the interrupted code may be looking at errno
  for (auto& slot : detail::g_slots) {
    if (slot.state.load(std::memory_order_acquire) != detail::kActive) continue;
    (void)::unlinkat(slot.dirfd, slot.name, 0);
  }
  errno = saved_errno;
}

bool any_copy_linked_from_signal_handler() noexcept {
  return detail::g_linking.load() || detail::g_any_linked.load(std::memory_order_acquire);
}

void forget_linked_copies() noexcept {
  detail::g_any_linked.store(false, std::memory_order_release);
}

}  // namespace mailroom::maildir
