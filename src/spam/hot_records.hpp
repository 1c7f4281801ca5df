// Beside format 3's records' copy (records_table.hpp), a store written by
// this mailroom keeps a smaller "hot" copy of the records most messages
// hold, and a Bloom filter of the keys left out of it, so that a delivery
// reads a few hundred KB of the store instead of touching the whole copy.
//
// Why: a message looks up ~120 counted tokens at random, so it touched 34
// of the 35 chunks (64 KB each) of the 2.2 MB copy of a store trained on
// 5,000 messages; the kernel maps 64 KB around each fault (fault-around),
// so a delivery mapped and unmapped all of it: 35 page faults, ~560 pages
// (bench/deliver's 100 messages). Token counts follow Zipf's law: the
// 16,380 records learnt most often (spam + ham) hold 94 of the 98 records
// a bench message finds, and 23 of its 121 keys are in no record. So a
// lookup reads the hot copy (320 KB); a key not there reads the filter
// (10 bits a key left out: 117 KB here), which sends about 1 % of the
// keys in no record, and the few rare records, on to the full copy. Same
// records, exactly: the filter has no false negatives. 12-13 chunks touched
// a message instead of 34 (hot_records_test for the exactness).
//
// Layout: the hot copy is records_table.hpp's with 2^kHotBucketBits
// buckets. The filter is an array of 64-byte blocks (one cache line; cut
// into 16-page values as the other arrays, chunked_array.hpp): a key sets
// kProbes bits of one block (a "blocked" Bloom filter, Putze, Sanders and
// Singler 2007: one cache line per lookup).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "mailroom/spam/classifier.hpp"
#include "spam/chunked_array.hpp"
#include "spam/records_table.hpp"

namespace mailroom::spam::records {

// Five chunks of the records' layout (3,276 entries each), 320 KB.
constexpr std::size_t kHotEntries = 5 * kArray.chunk_entries();
constexpr unsigned kHotBucketBits = 12;  // ~4 entries a bucket when full
constexpr std::size_t kHotIndexBytes = ((std::size_t{1} << kHotBucketBits) + 1) * 4;

constexpr std::size_t kFilterBlockBytes = 64;
constexpr std::size_t kFilterBitsPerKey = 10;
constexpr unsigned kProbes = 7;
constexpr ChunkedArray kFilterArray{kFilterBlockBytes};
// The filter's index: two offsets, 0 and its number of blocks (so that
// it is stored as the other chunked arrays are).
constexpr std::size_t kFilterIndexBytes = 2 * sizeof(std::uint32_t);

struct KeyedRecord {
  std::uint64_t key;
  TokenRecord record;
};

// The hot copy and the filter, from all the records in ascending key
// order: the kHotEntries records learnt most often (ties: the lower key),
// the filter holding every other key.
struct HotCopy {
  std::vector<std::uint32_t> index;
  std::vector<unsigned char> entries;
  std::vector<std::uint32_t> filter_index;
  std::vector<unsigned char> filter;
};
[[nodiscard]] HotCopy build_hot(std::span<const KeyedRecord> sorted);

// The filter read in place (sizes checked by the caller).
struct FilterView {
  std::vector<const unsigned char*> chunks;
  std::size_t blocks = 0;
  // False: no record left out of the hot copy has this key.
  [[nodiscard]] bool may_hold(std::uint64_t key) const noexcept;
};

// A lookup in format 3's copies: the hot copy and the filter when they
// belong to the snapshot read (hot.index nullptr: they do not, read the
// full copy alone).
struct Lookup {
  View full;
  View hot;
  FilterView cold;
  [[nodiscard]] std::optional<TokenRecord> find(std::uint64_t key) const noexcept {
    if (hot.index != nullptr) {
      if (auto found = hot.find(key)) return found;
      if (!cold.may_hold(key)) return std::nullopt;
    }
    return full.find(key);
  }
};

}  // namespace mailroom::spam::records
