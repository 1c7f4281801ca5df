// The allocator of a one-shot `mailroom deliver` (deliver_arena.hpp).
//
// A 20-rule delivery makes about 660 allocations (strings, vectors, the
// Sieve program's nodes, the parsed message) and frees most of them. In a
// fresh process glibc's malloc has no cached chunk of any size yet, so
// nearly each call reaches _int_malloc and each free _int_free: about 200
// instructions a pair, 0.13 M of the delivery's 0.59 M (callgrind). Here a
// block is cut from a static arena by moving a pointer, and a freed one
// goes onto the free list of its size, whence the next block of that size
// comes: no headers, no coalescing, nothing to search. Reusing freed
// blocks matters: cutting every block anew touched 11 more pages than
// malloc's heap, and on this VM the first touch of a page costs about as
// much as the instructions saved (bench figures in the commit message).
//
// Blocks larger than kDeliverArenaLargestBlock, and every block once the
// arena is used up, come from malloc: a delivery's memory grows by at most
// the arena's size, whatever the message. Arena blocks are never given back
// to malloc; `deliver` ends by _Exit.
#include "cli/deliver_arena.hpp"

#include <cstdint>
#include <cstdlib>
#include <new>

// Sanitizer builds keep their runtime's operator new: it is what checks
// the heap, and ASan's reports are worth more there than speed.
#if defined(__SANITIZE_ADDRESS__)
#define MAILROOM_KEEP_OPERATOR_NEW 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define MAILROOM_KEEP_OPERATOR_NEW 1
#endif
#endif

namespace mailroom::cli {
namespace {

constexpr std::size_t kAlign = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

// In .bss: a page of it costs nothing until a block on it is first written.
// NOLINTBEGIN(cppcoreguidelines-avoid-non-const-global-variables): the
// allocator's state is the process's, as malloc's is.
alignas(kAlign) char g_arena[kDeliverArenaBytes];
char* g_top = nullptr;  // where the next new block starts; null: the arena is off
// Freed blocks, a list per size (in kAlign steps), threaded through the
// blocks themselves.
void* g_free[kDeliverArenaLargestBlock / kAlign + 1];
// NOLINTEND(cppcoreguidelines-avoid-non-const-global-variables)

constexpr std::size_t rounded(std::size_t size) {
  return size == 0 ? kAlign : (size + kAlign - 1) & ~(kAlign - 1);
}

bool in_arena(const void* block) {
  // One unsigned comparison: below the arena wraps around to a large value.
  return reinterpret_cast<std::uintptr_t>(block) - reinterpret_cast<std::uintptr_t>(g_arena) <
         kDeliverArenaBytes;
}

void* from_arena(std::size_t size) {
  const std::size_t need = rounded(size);
  void*& freed = g_free[need / kAlign];
  if (freed != nullptr) {
    void* block = freed;
    freed = *static_cast<void**>(block);
    return block;
  }
  if (static_cast<std::size_t>(g_arena + kDeliverArenaBytes - g_top) < need) return nullptr;
  void* block = g_top;
  g_top += need;
  return block;
}

}  // namespace

bool deliver_arena_built() noexcept {
#ifdef MAILROOM_KEEP_OPERATOR_NEW
  return false;
#else
  return true;
#endif
}

void enable_deliver_arena() noexcept {
  if (deliver_arena_built() && g_top == nullptr) g_top = g_arena;
}

std::size_t deliver_arena_used() noexcept {
  return g_top == nullptr ? 0 : static_cast<std::size_t>(g_top - g_arena);
}

}  // namespace mailroom::cli

#ifndef MAILROOM_KEEP_OPERATOR_NEW

namespace {

// What the default operator new does ([new.delete.single]/4).
void* from_malloc(std::size_t size) {
  for (;;) {
    // NOLINTNEXTLINE(cppcoreguidelines-no-malloc): operator new is made of it
    if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

}  // namespace

// The replaceable global allocation functions. libstdc++'s array and
// nothrow forms call these; its aligned forms keep to aligned_alloc and
// free, apart from the arena.
void* operator new(std::size_t size) {
  using namespace mailroom::cli;
  if (g_top != nullptr && size <= kDeliverArenaLargestBlock)
    if (void* block = from_arena(size)) return block;
  return from_malloc(size);
}

void operator delete(void* block) noexcept {
  // Without its size a block cannot go onto a free list: it stays unused.
  if (mailroom::cli::in_arena(block)) return;
  std::free(block);  // NOLINT(cppcoreguidelines-no-malloc): operator new took it from malloc
}

void operator delete(void* block, std::size_t size) noexcept {
  using namespace mailroom::cli;
  if (in_arena(block)) {
    const std::size_t need = rounded(size);
    *static_cast<void**>(block) = g_free[need / kAlign];
    g_free[need / kAlign] = block;
    return;
  }
  std::free(block);  // NOLINT(cppcoreguidelines-no-malloc): operator new took it from malloc
}

#endif
