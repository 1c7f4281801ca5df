// Format 3 of the LMDB store's hashed weight table (store.hpp): only the
// slots that hold a weight, so that a delivery maps a few hundred KB of the
// store instead of the whole 8 MB table.
//
// Why: a message looks up about 2,000 slots (its sparse bigrams and byte
// 4-grams) at random, so it touched 1,300 of the dense table's 2,048 pages
// and the kernel mapped nearly all of them on every delivery (about 160
// page faults with fault-around, and as many pages unmapped at exit: about
// 1 ms of system time). Training leaves most slots at zero (online logistic
// regression steps only on errors and inside the margin): 7 % of the slots
// after 5,000 interleaved messages, 0.4 % after bench/deliver's training.
// Kept sparse, the table is 64 KB of index plus 3 bytes per non-zero slot
// (976 KB for the 7 %); nothing is approximated, every slot reads the same
// 16-bit value as in format 2 (sparse_table_test).
//
// Layout: the slots fall into kBuckets buckets of 2^kLowBits consecutive
// slots. The index holds kBuckets + 1 offsets (u32, host order): bucket b's
// entries are [index[b], index[b + 1]) in the entry array. An entry is 3
// bytes: the slot's low byte, then its weight (i16, host order); a bucket's
// entries ascend by low byte. The entry array is cut into values of 16
// pages (chunked_array.hpp: LMDB keeps each on consecutive overflow pages
// and reuses freed runs of 16 pages readily, as format 2's 64 KB chunks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mailroom/spam/store.hpp"
#include "spam/chunked_array.hpp"

namespace mailroom::spam::sparse {

constexpr unsigned kLowBits = 8;
constexpr std::size_t kBuckets = kWeightSlots >> kLowBits;
constexpr std::size_t kIndexBytes = (kBuckets + 1) * sizeof(std::uint32_t);
constexpr std::size_t kEntryBytes = 3;
constexpr ChunkedArray kArray{kEntryBytes};
static_assert(kChunkValueBytes % kEntryBytes == 0);

// A dense table (kWeightSlots slots) in this format: the index, and the
// entries (all of them, to be cut into chunks by the caller).
struct Encoded {
  std::vector<std::uint32_t> index;
  std::vector<unsigned char> entries;
  [[nodiscard]] std::size_t entry_count() const noexcept { return index.back(); }
};
[[nodiscard]] Encoded encode(std::span<const std::int16_t> dense);

// A stored table read in place: the index and the chunks as LMDB maps them
// (the caller checks their sizes: kIndexBytes, kArray.chunk_bytes). A damaged
// index never reads outside them: a bucket whose offsets are out of order
// or past the entries reads as all zero.
struct View {
  const unsigned char* index = nullptr;
  std::vector<const unsigned char*> chunks;
  std::size_t entries = 0;
  [[nodiscard]] std::int16_t units(std::size_t slot) const noexcept;
};

// The stored table back into dense form (dense: kWeightSlots slots, zero
// on entry), for a writer that changes it.
void decode(const View& view, std::span<std::int16_t> dense) noexcept;

}  // namespace mailroom::spam::sparse
