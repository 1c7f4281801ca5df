// Sorting a message's feature keys, which are 64-bit FNV-1a hashes and so
// spread evenly over their range: a counting pass on the keys' top bits
// puts each in a bucket of about one key, and an insertion sort then puts
// the few keys that share a bucket in order. For the ~3,000 byte n-gram
// keys of a 4 KB message std::sort took ~170 K instructions (callgrind,
// `mailroom deliver` with an interleaved store).
//
// Keys an attacker chose to share their top bits would make the insertion
// sort quadratic: past kMaxMovesPerKey moves a key on average it stops and
// std::sort finishes the work, so the worst case stays O(n log n).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mailroom::spam::detail {

// Below this many keys std::sort is as quick.
constexpr std::size_t kBucketSortMin = 256;
constexpr std::size_t kMaxMovesPerKey = 16;
// Distinct keys (no run of equal keys in a bucket): the buckets pay from
// fewer keys on.
constexpr std::size_t kUniqueBucketSortMin = 64;

// Sorts values ascending by key(value), a 64-bit hash. Values with equal
// keys keep their order (stable), where std::sort leaves it unspecified.
template <class T, class Key>
void sort_by_hash(std::vector<T>& values, Key key, std::size_t bucket_sort_min = kBucketSortMin) {
  const std::size_t n = values.size();
  const auto less = [&](const T& a, const T& b) { return key(a) < key(b); };
  if (n < bucket_sort_min) {
    std::stable_sort(values.begin(), values.end(), less);
    return;
  }
  const auto bits = static_cast<unsigned>(std::bit_width(n) - 1);  // 2^bits <= n buckets
  const unsigned shift = 64 - bits;
  std::vector<std::uint32_t> next((std::size_t{1} << bits) + 1, 0);
  for (const T& v : values) ++next[(key(v) >> shift) + 1];
  for (std::size_t b = 1; b < next.size(); ++b) next[b] += next[b - 1];
  std::vector<T> sorted(n);
  for (const T& v : values) sorted[next[key(v) >> shift]++] = v;
  std::size_t moves = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const T v = sorted[i];
    std::size_t j = i;
    for (; j > 0 && key(v) < key(sorted[j - 1]); --j) sorted[j] = sorted[j - 1];
    sorted[j] = v;
    moves += i - j;
    if (moves > kMaxMovesPerKey * n) {
      std::stable_sort(sorted.begin(), sorted.end(), less);
      break;
    }
  }
  values.swap(sorted);
}

// Keeps the first value of each key (in their order), then sorts them as
// sort_by_hash: what a sort and std::unique keep, but a message's words
// repeat (~600 keys, ~350 distinct in a 4 KB message), and a repeated key
// crowds its bucket for the insertion sort. Equal keys are dropped first
// by an open-addressing set of more than n slots indexed by the key's top bits
// (std::sort and std::unique took ~35 K instructions of the 4 KB
// message's keys, callgrind). Keys an attacker made share their top bits:
// past kMaxMovesPerKey probes a key on average, a stable sort and
// std::unique do the rest (the same values kept).
template <class T, class Key>
void sort_unique_by_hash(std::vector<T>& values, Key key) {
  const std::size_t n = values.size();
  const auto less = [&](const T& a, const T& b) { return key(a) < key(b); };
  const auto equal = [&](const T& a, const T& b) { return key(a) == key(b); };
  const auto fallback = [&] {
    std::stable_sort(values.begin(), values.end(), less);
    values.erase(std::unique(values.begin(), values.end(), equal), values.end());
  };
  if (n < kBucketSortMin || n >= (std::size_t{1} << 31)) return fallback();
  const auto bits = static_cast<unsigned>(std::bit_width(n));   // 2^bits > n slots
  std::vector<std::uint32_t> slots(std::size_t{1} << bits, 0);  // a kept value's index + 1
  const std::size_t mask = slots.size() - 1;
  std::size_t kept = 0;
  std::size_t probes = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = key(values[i]);
    for (std::size_t s = k >> (64 - bits);; s = (s + 1) & mask) {
      if (slots[s] == 0) {
        values[kept] = values[i];
        slots[s] = static_cast<std::uint32_t>(++kept);
        break;
      }
      if (key(values[slots[s] - 1]) == k) break;
      if (++probes > kMaxMovesPerKey * n) {
        // The values kept so far, then the rest unseen, in their order.
        values.erase(values.begin() + static_cast<std::ptrdiff_t>(kept),
                     values.begin() + static_cast<std::ptrdiff_t>(i));
        return fallback();
      }
    }
  }
  values.resize(kept);
  sort_by_hash(values, key, kUniqueBucketSortMin);
}

}  // namespace mailroom::spam::detail
