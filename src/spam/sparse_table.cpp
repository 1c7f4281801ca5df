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

namespace {

// The first entry in [first, last) whose low byte is not below `low`
// (last if none), by binary search (a bucket holds ~19 entries at 7 %
// use); `at` gives entry n.
template <class At>
std::size_t lower_bound_low(std::size_t first, std::size_t last, unsigned char low,
                            At at) noexcept {
  while (first < last) {
    const std::size_t mid = first + (last - first) / 2;
    if (at(mid)[0] < low)
      first = mid + 1;
    else
      last = mid;
  }
  return first;
}

}  // namespace

std::int16_t View::units(std::size_t slot) const noexcept {
  const std::size_t bucket = slot >> kLowBits;
  if (index == nullptr || bucket >= kBuckets) return 0;
  const Range range = bucket_range(*this, bucket);
  if (range.first == range.last) return 0;
  const auto low = static_cast<unsigned char>(slot & (kBucketSlots - 1));
  const std::size_t per_chunk = kArray.chunk_entries();
  const std::size_t chunk = range.first / per_chunk;
  if (chunk == (range.last - 1) / per_chunk) {
    // The bucket in one chunk (all but one bucket in a chunk boundary's
    // ~21,800 entries): searched in place, with no chunk lookup per step.
    // A delivery with an interleaved store looks up ~1,500 slots: 155
    // instructions each through entry() (callgrind), ~60 so.
    const unsigned char* first = chunks[chunk] + (range.first % per_chunk) * kEntryBytes;
    const std::size_t count = range.last - range.first;
    const auto in_chunk = [first](std::size_t n) { return first + n * kEntryBytes; };
    const std::size_t at = lower_bound_low(0, count, low, in_chunk);
    if (at == count || in_chunk(at)[0] != low) return 0;
    return entry_units(in_chunk(at));
  }
  const auto anywhere = [this](std::size_t n) { return entry(*this, n); };
  const std::size_t at = lower_bound_low(range.first, range.last, low, anywhere);
  if (at == range.last || entry(*this, at)[0] != low) return 0;
  return entry_units(entry(*this, at));
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
