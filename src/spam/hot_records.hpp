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
// records, exactly: the filter has no false negatives (hot_records_test).
// Page faults in data.mdb a bench/deliver delivery: 39.0 -> 15.7 (the rest:
// LMDB's meta pages, the full copy's index and the rare records).
//
// Layout: one LMDB value (kept on consecutive overflow pages), so that
// the index, the entries and the filter touch as few 64 KB windows as
// their size allows (as chunks of 16 pages, each straddling two windows,
// the five hot chunks, the index and the filter's two chunks took 11-12
// faults; one value of 111 pages takes 7-8). Host order:
//   u32 entries, u32 filter blocks;
//   the index: 2^kHotBucketBits + 1 offsets (u32) into the entries;
//   the entries, records_table.hpp's (20 bytes, ascending by key);
//   zero bytes up to an offset of 48 modulo 64 (the value starts 16 bytes
//   into its first page, after LMDB's page header: the blocks then start
//   on cache lines);
//   the filter's blocks of 64 bytes: a key sets kProbes bits of one block
//   (a "blocked" Bloom filter, Putze, Sanders and Singler 2007: one cache
//   line per lookup).
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
constexpr std::size_t kHotHeaderBytes = 2 * sizeof(std::uint32_t);

struct KeyedRecord {
  std::uint64_t key;
  TokenRecord record;
};

// The value, from all the records in ascending key order: the kHotEntries
// records learnt most often (ties: the lower key), the filter holding
// every other key.
[[nodiscard]] std::vector<unsigned char> build_hot(std::span<const KeyedRecord> sorted);

// The filter read in place.
struct FilterView {
  std::vector<const unsigned char*> chunks;
  std::size_t blocks = 0;
  // False: no record left out of the hot copy has this key.
  [[nodiscard]] bool may_hold(std::uint64_t key) const noexcept;
};

// The value read in place: the hot copy and the filter; nothing when its
// size is not the one its counts give (a damaged value).
struct HotViews {
  View hot;
  FilterView cold;
};
[[nodiscard]] std::optional<HotViews> read_hot(const unsigned char* value, std::size_t size);

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
