// sort_by_hash (src/spam/hash_sort.hpp): the order std::sort gives, for
// every size, for keys that crowd into a few buckets (chosen by an
// attacker: the insertion sort gives up and std::sort finishes), and
// stable for equal keys.
#include "spam/hash_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace mailroom::spam::detail {
namespace {

std::uint64_t self(std::uint64_t k) { return k; }

TEST(HashSort, SortsAsStdSortForEverySize) {
  std::mt19937_64 rng(14);
  for (const std::size_t n : {0, 1, 2, 255, 256, 257, 1000, 3000, 4096, 9000}) {
    std::vector<std::uint64_t> keys(n);
    for (auto& k : keys) k = rng();
    if (n > 10) keys[n / 2] = keys[n / 3];  // a duplicate
    std::vector<std::uint64_t> want = keys;
    std::sort(want.begin(), want.end());
    sort_by_hash(keys, self);
    EXPECT_EQ(keys, want) << n << " keys";
  }
}

TEST(HashSort, CrowdedBucketsStillSort) {
  std::mt19937_64 rng(7);
  for (const unsigned shared_bits : {8U, 20U, 40U, 64U}) {
    std::vector<std::uint64_t> keys(3000);
    // Descending within one bucket: the insertion sort's worst case.
    for (std::size_t i = 0; i < keys.size(); ++i)
      keys[i] = shared_bits == 64 ? keys.size() - i : (rng() >> shared_bits) | (0xABULL << 56);
    std::vector<std::uint64_t> want = keys;
    std::sort(want.begin(), want.end());
    sort_by_hash(keys, self);
    EXPECT_EQ(keys, want) << shared_bits;
  }
}

TEST(HashSort, EqualKeysKeepTheirOrder) {
  std::vector<std::pair<std::uint64_t, int>> values;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 1000; ++i) values.emplace_back(rng() & 0xF000000000000000ULL, i);
  sort_by_hash(values, [](const auto& v) { return v.first; });
  for (std::size_t i = 1; i < values.size(); ++i) {
    ASSERT_LE(values[i - 1].first, values[i].first);
    if (values[i - 1].first == values[i].first) EXPECT_LT(values[i - 1].second, values[i].second);
  }
}

// sort_unique_by_hash: the keys std::sort + std::unique keep, for every
// size, with words repeated as in a message, and with keys crowded into
// one bucket (the set gives up and a stable sort finishes): of equal keys
// the first is kept.
TEST(HashSort, SortUniqueKeepsTheFirstOfEachKey) {
  std::mt19937_64 rng(21);
  for (const unsigned shared_bits : {0U, 8U, 40U, 64U}) {
    for (const std::size_t n : {0, 1, 255, 256, 257, 600, 3000, 9000}) {
      std::vector<std::pair<std::uint64_t, std::size_t>> values;
      std::vector<std::uint64_t> distinct(n / 3 + 1);
      for (std::size_t d = 0; d < distinct.size(); ++d)
        distinct[d] = shared_bits == 0    ? rng()
                      : shared_bits == 64 ? distinct.size() - d
                                          : (rng() >> shared_bits) | (0xABULL << 56);
      for (std::size_t i = 0; i < n; ++i) values.emplace_back(distinct[rng() % distinct.size()], i);
      auto want = values;
      std::stable_sort(want.begin(), want.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      want.erase(std::unique(want.begin(), want.end(),
                             [](const auto& a, const auto& b) { return a.first == b.first; }),
                 want.end());
      sort_unique_by_hash(values, [](const auto& v) { return v.first; });
      EXPECT_EQ(values, want) << n << " values, " << shared_bits << " bits shared";
    }
  }
}

}  // namespace
}  // namespace mailroom::spam::detail
