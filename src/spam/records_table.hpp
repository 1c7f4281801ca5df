// Format 3 of the LMDB store keeps, beside the "tokens" B+tree that
// writers update, a read-only copy of its records laid out for deliveries:
// sorted by key in one array, cut into 64 KB values, with a bucket index.
//
// Why: a message looks up ~110 counted tokens (words, structure), each a
// B+tree descent to a random leaf; the 1,200 leaves of a store trained on
// 5,000 messages (4.9 MB at LMDB's ~70 % fill, scattered over the file by
// copy-on-write) cost a delivery ~64 page faults. Packed, the same records
// are 2.2 MB in consecutive pages, and one lookup reads one index entry and
// a few entries of one bucket. The copy is written anew by every commit
// that changes a record (a cursor pass over the B+tree: a few ms), so a
// reader sees exactly the records of its snapshot.
//
// Layout: bucket b holds the keys whose top kBucketBits bits are b; the
// index holds kBuckets + 1 offsets (u32, host order) into the entries; an
// entry is 20 bytes: key (u64), spam (u32), ham (u32), weight (f32), host
// order, ascending by key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "mailroom/spam/classifier.hpp"
#include "spam/chunked_array.hpp"

namespace mailroom::spam::records {

constexpr unsigned kBucketBits = 14;
constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;
constexpr std::size_t kIndexBytes = (kBuckets + 1) * sizeof(std::uint32_t);
constexpr std::size_t kEntryBytes = 20;
constexpr ChunkedArray kArray{kEntryBytes};
static_assert(kChunkValueBytes % kEntryBytes == 0);

// Builds the copy from records given in ascending key order. A copy of
// fewer records may have fewer buckets (the hot copy, hot_records.hpp).
class Builder {
 public:
  explicit Builder(unsigned bucket_bits = kBucketBits) : bucket_bits_(bucket_bits) {
    index_.reserve((std::size_t{1} << bucket_bits) + 1);
  }
  void add(std::uint64_t key, const TokenRecord& record);
  // The index (kBuckets + 1 offsets) and the entries.
  std::vector<std::uint32_t> finish_index();
  [[nodiscard]] const std::vector<unsigned char>& entries() const noexcept { return entries_; }
  [[nodiscard]] std::size_t entry_count() const noexcept { return entries_.size() / kEntryBytes; }

 private:
  unsigned bucket_bits_;
  std::vector<std::uint32_t> index_;
  std::vector<unsigned char> entries_;
};

// The copy read in place (sizes checked by the caller); a damaged index
// never reads outside the chunks: its bucket holds nothing.
struct View {
  const unsigned char* index = nullptr;
  std::vector<const unsigned char*> chunks;
  std::size_t entries = 0;
  unsigned bucket_bits = kBucketBits;  // the index has 2^bucket_bits + 1 offsets
  [[nodiscard]] std::optional<TokenRecord> find(std::uint64_t key) const noexcept;
};

}  // namespace mailroom::spam::records
