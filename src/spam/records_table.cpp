// The read-only copy of the token records, format 3 of the LMDB store
// (records_table.hpp).
#include "spam/records_table.hpp"

#include <cstring>

namespace mailroom::spam::records {
namespace {

std::size_t bucket_of(std::uint64_t key, unsigned bucket_bits) noexcept {
  return static_cast<std::size_t>(key >> (64 - bucket_bits));
}

const unsigned char* entry(const View& view, std::size_t n) noexcept {
  return kArray.entry(view.chunks, n);
}

std::uint64_t entry_key(const unsigned char* e) noexcept {
  std::uint64_t key = 0;
  std::memcpy(&key, e, sizeof key);
  return key;
}

}  // namespace

void Builder::add(std::uint64_t key, const TokenRecord& record) {
  while (index_.size() <= bucket_of(key, bucket_bits_))
    index_.push_back(static_cast<std::uint32_t>(entry_count()));
  unsigned char e[kEntryBytes];
  std::memcpy(e, &key, 8);
  std::memcpy(e + 8, &record.spam, 4);
  std::memcpy(e + 12, &record.ham, 4);
  std::memcpy(e + 16, &record.weight, 4);
  entries_.insert(entries_.end(), e, e + kEntryBytes);
}

std::vector<std::uint32_t> Builder::finish_index() {
  std::vector<std::uint32_t> index = index_;
  while (index.size() <= (std::size_t{1} << bucket_bits_))
    index.push_back(static_cast<std::uint32_t>(entry_count()));
  return index;
}

std::optional<TokenRecord> View::find(std::uint64_t key) const noexcept {
  if (index == nullptr) return std::nullopt;
  const std::size_t bucket = bucket_of(key, bucket_bits);
  const std::size_t first = index_offset(index, bucket);
  const std::size_t last = index_offset(index, bucket + 1);
  if (first > last || last > entries || chunks.size() < kArray.chunk_count(entries))
    return std::nullopt;
  if (first == last) return std::nullopt;
  // The first entry not below the key. A bucket within one chunk (all but
  // one a chunk boundary) is searched from its first entry's address, with
  // no chunk lookup per step (a delivery's ~120 lookups: 117 instructions
  // each through entry(), callgrind).
  const std::size_t per_chunk = kArray.chunk_entries();
  const unsigned char* e = nullptr;
  if (const std::size_t chunk = first / per_chunk; chunk == (last - 1) / per_chunk) {
    const unsigned char* base = chunks[chunk] + (first % per_chunk) * kEntryBytes;
    std::size_t lo = 0;
    std::size_t hi = last - first;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (entry_key(base + mid * kEntryBytes) < key)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo == last - first) return std::nullopt;
    e = base + lo * kEntryBytes;
  } else {
    std::size_t lo = first;
    std::size_t hi = last;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (entry_key(entry(*this, mid)) < key)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo == last) return std::nullopt;
    e = entry(*this, lo);
  }
  if (entry_key(e) != key) return std::nullopt;
  TokenRecord r;
  std::memcpy(&r.spam, e + 8, 4);
  std::memcpy(&r.ham, e + 12, 4);
  std::memcpy(&r.weight, e + 16, 4);
  return r;
}

}  // namespace mailroom::spam::records
