// The token store (issue 14, "Training and storage"): per token a
// TokenRecord, per store the Totals, per learnt message its class (so that
// relearning moves a message between classes instead of counting it twice).
// One interface; the embedded implementation is LMDB (open_lmdb_store),
// chosen by bench/spam-eval/store-compare: a fresh process opens it in
// ~30 us and reads 600 tokens in ~0.9 ms with 178 page faults, SQLite (WAL)
// 240 us, 1.9 ms and 546 faults; readers never wait for the writer (MVCC),
// and a crash at any point leaves the last committed state (copy-on-write
// B+tree, two meta pages). Sites with several MX hosts share one store on
// Redis instead (open_redis_store, redis_store.hpp; spam.store =
// "redis://..."): the same interface, chosen by open_store.
//
// Keys come in two parts (read/put's `counted`): the first keys have a
// record each (counts and weight: one B+tree lookup per key); the rest,
// the sparse bigrams and byte 4-grams that only the logistic model uses
// (model.hpp, weight_only), have a weight only, kept in a fixed table of
// kWeightSlots 16-bit slots indexed by weight_slot(key) (feature hashing,
// Weinberger et al. 2009), read in place from the map with no B+tree
// lookup per feature; LMDB keeps only the slots in use (format 3,
// src/spam/sparse_table.hpp: 1 MB for a store trained on 5,000 interleaved
// messages, where the dense table was 8 MB and a delivery mapped most of
// it). With a record per key, a store
// trained on bench/spam-eval's seed-1 half (2,919 messages, 1,265
// `mailroom learn` runs) was 100 MB and `mailroom score` of a 4 KB message
// cost 3.15 ms more CPU than without a store; with the table, 36 MB (12 MB
// in use, the rest LMDB's copy-on-write free pages) and 0.83 ms.
// bench/spam-eval, seeds 1-5, (1-ROCA)% of the verdict: records 0.035,
// table of 2^22 slots 0.034 (2^21: 0.037, 2^20: 0.041, unsigned 2^20 with
// 4-grams only: 0.040); 16-bit slots measured as floats.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mailroom/spam/classifier.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::spam {

enum class MessageClass : std::uint8_t { none = 0, ham = 1, spam = 2 };

// SHA-256 of the Message-ID and the body with all white space removed
// (message_digest): the same message learnt again, even with headers added
// in between (X-Spam-*, Received), is recognised.
using Digest = std::array<std::uint8_t, 32>;

// The hashed weight table: its size, and the slot of a key (the top bits
// of the key times a 64-bit odd constant, Knuth's multiplicative hashing:
// FNV-1a's low bits alone are poorly mixed).
constexpr unsigned kWeightSlotBits = 22;
constexpr std::size_t kWeightSlots = std::size_t{1} << kWeightSlotBits;
[[nodiscard]] constexpr std::size_t weight_slot(std::uint64_t key) noexcept {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - kWeightSlotBits));
}
// A slot holds its weight as a 16-bit integer in units of 1/kWeightScale
// (range +-32, resolution 0.001; one learning step moves a weight by 0.04
// or more): half the size of floats, measured no worse on bench/spam-eval.
constexpr float kWeightScale = 1024.0F;
[[nodiscard]] inline std::int16_t quantize_weight(float weight) noexcept {
  const float units = std::clamp(weight * kWeightScale, -32767.0F, 32767.0F);
  return static_cast<std::int16_t>(std::lround(units));
}
[[nodiscard]] constexpr float weight_of(std::int16_t units) noexcept {
  return static_cast<float>(units) / kWeightScale;
}

// The sign a key's weight is stored with (the next bit of the product):
// two keys in one slot with opposite signs cancel instead of adding up,
// so collisions do not bias the sum (Weinberger et al. 2009, section 2).
[[nodiscard]] constexpr float weight_sign(std::uint64_t key) noexcept {
  return (((key * 0x9E3779B97F4A7C15ULL) >> (63 - kWeightSlotBits)) & 1U) != 0 ? -1.0F : 1.0F;
}

// What one transaction sees: the totals and the records of the keys asked
// for, in the same order (a key never learnt has a zero record; a key past
// `counted` has zero counts and its slot's weight).
struct Snapshot {
  Totals totals;
  std::vector<TokenRecord> records;
};

// The one write transaction of a store: reads see its own writes; nothing
// is visible to others before commit(); destroyed uncommitted, it aborts.
class StoreWriter {
 public:
  virtual ~StoreWriter() = default;
  [[nodiscard]] virtual Result<Snapshot> read(std::span<const std::uint64_t> keys,
                                              std::size_t counted) = 0;
  [[nodiscard]] virtual Result<MessageClass> message_class(const Digest& digest) = 0;
  // Keys past `counted` write their record's weight to their slot (the
  // counts are not kept).
  [[nodiscard]] virtual Status put(std::span<const std::uint64_t> keys, std::size_t counted,
                                   std::span<const TokenRecord> records, const Totals& totals) = 0;
  [[nodiscard]] virtual Status set_message_class(const Digest& digest, MessageClass cls) = 0;
  [[nodiscard]] virtual Status commit() = 0;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // One consistent view, never blocked by a writer.
  [[nodiscard]] virtual Result<Snapshot> read(std::span<const std::uint64_t> keys,
                                              std::size_t counted) = 0;
  // Waits for other writers (one at a time per store).
  [[nodiscard]] virtual Result<std::unique_ptr<StoreWriter>> write() = 0;
  // Whether a read costs no round trip to a server (LMDB, memory): a
  // delivery then reads the totals first and makes only the features its
  // model reads (verdict.cpp).
  [[nodiscard]] virtual bool local() const noexcept { return true; }
};

enum class StoreMode { read_only, read_write };

// The LMDB store in directory dir. read_write creates dir and the store
// when missing; read_only on a missing store fails with ErrorKind::data
// (callers score without training then). Format 3 keeps the hashed weight
// table's slots in use; format 2 (the dense table) is read as it is and
// written as format 3 by its next training; a store written before the
// table (format 1: a record per 4-gram) is still read and learnt into as
// it is, record per key.
[[nodiscard]] Result<std::unique_ptr<TokenStore>> open_lmdb_store(const std::string& dir,
                                                                  StoreMode mode);

// Where a user's store is (user_store_location): an LMDB directory, or a
// "redis://HOST:PORT[/DB]" URL with the prefix of the store's keys.
struct StoreLocation {
  std::string path;
  std::string redis_prefix;
  std::chrono::milliseconds redis_timeout{200};
  [[nodiscard]] bool redis() const noexcept { return path.starts_with("redis://"); }
};

// The LMDB store or the Redis store, as location says. A Redis store
// with nothing in it reads as an empty store (read_only included); one
// that cannot be reached fails with ErrorKind::temporary.
[[nodiscard]] Result<std::unique_ptr<TokenStore>> open_store(const StoreLocation& location,
                                                             StoreMode mode);

// A store in this process's memory, for tests and bench/spam-eval (the
// same learn/score code as with LMDB, without the disk).
std::unique_ptr<TokenStore> make_memory_store();

}  // namespace mailroom::spam
