// The sparse weight table, format 3 of the LMDB store (sparse_table.hpp).
#include "spam/sparse_table.hpp"

#include <cstring>

namespace mailroom::spam::sparse {
namespace {

constexpr std::size_t kBucketSlots = std::size_t{1} << kLowBits;

const unsigned char* entry(const View& view, std::size_t n) noexcept {
  return kArray.entry(view.chunks, n);
}

std::int16_t entry_units(const unsigned char* e) noexcept {
  std::int16_t units = 0;
  std::memcpy(&units, e + 1, sizeof units);
  return units;
}

// Bucket b's entries [first, last), or an empty range when the index is
// damaged (out of order, or past the entries).
struct Range {
  std::size_t first = 0;
  std::size_t last = 0;
};
Range bucket_range(const View& view, std::size_t bucket) noexcept {
  const std::size_t first = index_offset(view.index, bucket);
  const std::size_t last = index_offset(view.index, bucket + 1);
  if (first > last || last > view.entries || view.chunks.size() < kArray.chunk_count(view.entries))
    return {};
  return {first, last};
}

}  // namespace

Encoded encode(std::span<const std::int16_t> dense) {
  Encoded out;
  out.index.reserve(kBuckets + 1);
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    out.index.push_back(static_cast<std::uint32_t>(out.entries.size() / kEntryBytes));
    const std::size_t base = bucket * kBucketSlots;
    for (std::size_t low = 0; low < kBucketSlots && base + low < dense.size(); ++low) {
      const std::int16_t units = dense[base + low];
      if (units == 0) continue;
      unsigned char e[kEntryBytes] = {static_cast<unsigned char>(low)};
      std::memcpy(e + 1, &units, sizeof units);
      out.entries.insert(out.entries.end(), e, e + kEntryBytes);
    }
  }
  out.index.push_back(static_cast<std::uint32_t>(out.entries.size() / kEntryBytes));
  return out;
}

std::int16_t View::units(std::size_t slot) const noexcept {
  const std::size_t bucket = slot >> kLowBits;
  if (index == nullptr || bucket >= kBuckets) return 0;
  const Range range = bucket_range(*this, bucket);
  const auto low = static_cast<unsigned char>(slot & (kBucketSlots - 1));
  // Binary search by low byte: a bucket holds ~19 entries at 7 % use.
  std::size_t lo = range.first;
  std::size_t hi = range.last;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (entry(*this, mid)[0] < low)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == range.last || entry(*this, lo)[0] != low) return 0;
  return entry_units(entry(*this, lo));
}

void decode(const View& view, std::span<std::int16_t> dense) noexcept {
  if (view.index == nullptr) return;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    const Range range = bucket_range(view, bucket);
    for (std::size_t n = range.first; n < range.last; ++n) {
      const unsigned char* e = entry(view, n);
      const std::size_t slot = bucket * kBucketSlots + e[0];
      if (slot < dense.size()) dense[slot] = entry_units(e);
    }
  }
}

}  // namespace mailroom::spam::sparse
