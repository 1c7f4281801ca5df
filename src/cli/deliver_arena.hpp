// The allocator of a one-shot `mailroom deliver`: operator new cuts small
// blocks from one static arena and reuses freed ones by size, far cheaper
// than malloc in a fresh process (deliver_arena.cpp says why and how much).
#pragma once

#include <cstddef>

namespace mailroom::cli {

inline constexpr std::size_t kDeliverArenaBytes = std::size_t{256} * 1024;
inline constexpr std::size_t kDeliverArenaLargestBlock = 4096;  // larger: malloc

// From now on operator new takes blocks of up to kDeliverArenaLargestBlock
// from the arena while it lasts. Only for a process that ends soon after
// (deliver's _Exit), never a long-lived one (serve, lmtp): arena blocks are
// never given back. Blocks allocated before keep going back to malloc.
void enable_deliver_arena() noexcept;

// False in sanitizer builds, which keep their runtime's operator new (and
// where enable_deliver_arena() does nothing).
[[nodiscard]] bool deliver_arena_built() noexcept;

// Bytes of the arena cut so far (0 while it is off).
[[nodiscard]] std::size_t deliver_arena_used() noexcept;

}  // namespace mailroom::cli
