// The hot copy of the records and the filter of the rest (hot_records.hpp).
#include "spam/hot_records.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

namespace mailroom::spam::records {
namespace {

// The block of a key, and its probe bits from another mix of it: FNV-1a's
// low bits are poorly mixed (store.hpp, weight_slot), so both come from
// multiplications by odd 64-bit constants (Knuth; SplitMix64's finaliser).
std::size_t block_of(std::uint64_t key, std::size_t blocks) noexcept {
  const std::uint64_t h = (key * 0x9E3779B97F4A7C15ULL) >> 32;
  return static_cast<std::size_t>((h * blocks) >> 32);  // h * blocks / 2^32: below blocks
}

std::uint64_t probe_bits(std::uint64_t key) noexcept {
  std::uint64_t z = key ^ (key >> 30);
  z *= 0xBF58476D1CE4E5B9ULL;
  z ^= z >> 27;
  z *= 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// kProbes bit numbers in a block of 512 bits, 9 bits of the mix each.
template <class F>
void for_each_probe(std::uint64_t key, F f) noexcept {
  std::uint64_t bits = probe_bits(key);
  for (unsigned i = 0; i < kProbes; ++i, bits >>= 9) f(static_cast<unsigned>(bits & 511U));
}

std::uint32_t learnt(const TokenRecord& r) noexcept { return r.spam + r.ham; }

// Where the parts of the value are (hot_records.hpp, "Layout").
struct Layout {
  std::size_t entries;
  std::size_t filter;
  std::size_t size;
};
Layout layout(std::size_t hot, std::size_t blocks) noexcept {
  Layout at{};
  at.entries = kHotHeaderBytes + kHotIndexBytes;
  const std::size_t end = at.entries + hot * kEntryBytes;
  at.filter = end + (kFilterBlockBytes + 48 - end % kFilterBlockBytes) % kFilterBlockBytes;
  at.size = at.filter + blocks * kFilterBlockBytes;
  return at;
}

// An array kept whole, as the chunk pointers its views take (one per
// kChunkValueBytes' worth of entries).
std::vector<const unsigned char*> pieces(const unsigned char* first, std::size_t count,
                                         const ChunkedArray& layout) {
  std::vector<const unsigned char*> out;
  for (std::size_t n = 0; n < layout.chunk_count(count); ++n)
    out.push_back(first + n * layout.chunk_entries() * layout.entry_bytes);
  return out;
}

}  // namespace

std::vector<unsigned char> build_hot(std::span<const KeyedRecord> sorted) {
  // Which records are hot: the kHotEntries learnt most often, each ranked
  // by one integer (learnt times, then the lower position: a lower key),
  // so that the selection compares integers (one that read the records
  // cost a commit 3.4 M instructions more, of 111 M).
  std::vector<std::uint64_t> rank(sorted.size());
  for (std::size_t i = 0; i < rank.size(); ++i)
    rank[i] = (std::uint64_t{learnt(sorted[i].record)} << 32) | (0xFFFFFFFFU - i);
  const std::size_t hot = std::min(sorted.size(), kHotEntries);
  std::nth_element(rank.begin(), rank.begin() + static_cast<std::ptrdiff_t>(hot), rank.end(),
                   std::greater<>());
  std::vector<unsigned char> is_hot(sorted.size(), 0);
  for (std::size_t i = 0; i < hot; ++i) is_hot[0xFFFFFFFFU - (rank[i] & 0xFFFFFFFFU)] = 1;

  const std::size_t cold = sorted.size() - hot;
  const std::size_t blocks =
      (cold * kFilterBitsPerKey + kFilterBlockBytes * 8 - 1) / (kFilterBlockBytes * 8);
  Builder builder(kHotBucketBits);
  std::vector<unsigned char> filter(blocks * kFilterBlockBytes, 0);
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::uint64_t key = sorted[i].key;
    if (is_hot[i] != 0) {
      builder.add(key, sorted[i].record);
      continue;
    }
    unsigned char* block = &filter[block_of(key, blocks) * kFilterBlockBytes];
    for_each_probe(
        key, [&](unsigned bit) { block[bit / 8] |= static_cast<unsigned char>(1U << (bit % 8)); });
  }
  const std::vector<std::uint32_t> index = builder.finish_index();
  const Layout at = layout(hot, blocks);
  std::vector<unsigned char> value(at.size, 0);
  const std::uint32_t counts[2] = {static_cast<std::uint32_t>(hot),
                                   static_cast<std::uint32_t>(blocks)};
  std::memcpy(value.data(), counts, sizeof counts);
  std::memcpy(&value[kHotHeaderBytes], index.data(), kHotIndexBytes);
  std::copy(builder.entries().begin(), builder.entries().end(), value.begin() + at.entries);
  std::copy(filter.begin(), filter.end(), value.begin() + at.filter);
  return value;
}

std::optional<HotViews> read_hot(const unsigned char* value, std::size_t size) {
  if (size < kHotHeaderBytes + kHotIndexBytes) return std::nullopt;
  std::uint32_t counts[2];
  std::memcpy(counts, value, sizeof counts);
  const Layout at = layout(counts[0], counts[1]);
  if (at.size != size ||
      index_offset(value + kHotHeaderBytes, std::size_t{1} << kHotBucketBits) != counts[0])
    return std::nullopt;
  HotViews views;
  views.hot = View{value + kHotHeaderBytes, pieces(value + at.entries, counts[0], kArray),
                   counts[0], kHotBucketBits};
  views.cold = FilterView{pieces(value + at.filter, counts[1], kFilterArray), counts[1]};
  return views;
}

bool FilterView::may_hold(std::uint64_t key) const noexcept {
  // No block: no key left out. Chunks missing (a damaged store, checked
  // by the caller too): maybe, so the full copy answers.
  if (blocks == 0) return false;
  if (chunks.size() < kFilterArray.chunk_count(blocks)) return true;
  const unsigned char* block = kFilterArray.entry(chunks, block_of(key, blocks));
  bool all = true;
  for_each_probe(key,
                 [&](unsigned bit) { all = all && (block[bit / 8] & (1U << (bit % 8))) != 0; });
  return all;
}

}  // namespace mailroom::spam::records
