// The hot copy of the records and the filter of the rest
// (src/spam/hot_records.hpp): a lookup through them finds exactly what the
// full copy holds; a store's commit writes them and stamps them with its
// transaction; a delivery reads them only when the last commit wrote them,
// so a commit by a mailroom that does not know them (an earlier release)
// is read from the full copy, until the next commit writes them anew.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mailroom/spam/store.hpp"
#include "raw_lmdb.hpp"
#include "spam/hot_records.hpp"
#include "store_dir.hpp"

namespace mailroom::spam {
namespace {

// `count` records with random keys, in key order, learnt 1 to 200 times
// (a few very often, most rarely, as tokens are).
std::vector<records::KeyedRecord> random_records(std::size_t count, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<records::KeyedRecord> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto learnt = static_cast<std::uint32_t>(200 / (1 + rng() % 200));
    out[i] = {rng(), TokenRecord{learnt / 3, learnt - learnt / 3, static_cast<float>(i % 9) / 8}};
  }
  std::sort(
      out.begin(), out.end(),
      [](const records::KeyedRecord& a, const records::KeyedRecord& b) { return a.key < b.key; });
  return out;
}

std::uint32_t learnt(const TokenRecord& r) { return r.spam + r.ham; }

bool same(const TokenRecord& a, const TokenRecord& b) {
  return a.spam == b.spam && a.ham == b.ham && a.weight == b.weight;
}

TEST(HotRecords, HotCopyHoldsTheMostLearntAndTheFilterEveryOtherKey) {
  // 80,000 records: 63,620 left out, a filter of two chunks (1,023 blocks
  // of 512 bits hold 52,377 keys at 10 bits a key).
  const auto all = random_records(80000, 5);
  const std::vector<unsigned char> value = records::build_hot(all);
  const auto views = records::read_hot(value.data(), value.size());
  ASSERT_TRUE(views.has_value());
  const records::View& view = views->hot;
  const records::FilterView& filter = views->cold;
  ASSERT_EQ(view.entries, records::kHotEntries);
  ASSERT_EQ(filter.chunks.size(), 2U);
  // The blocks start 48 bytes past a multiple of 64 into the value (on a
  // cache line in LMDB's page, after its 16-byte header).
  EXPECT_EQ((filter.chunks[0] - value.data()) % 64, 48);

  // The hot ones are the most learnt: none left out was learnt more often
  // than any kept.
  std::uint32_t least_kept = ~0U;
  std::uint32_t most_left = 0;
  std::size_t kept = 0;
  for (const auto& r : all) {
    const auto found = view.find(r.key);
    if (found) {
      ASSERT_TRUE(same(*found, r.record));
      least_kept = std::min(least_kept, learnt(r.record));
      ++kept;
    } else {
      ASSERT_TRUE(filter.may_hold(r.key)) << r.key;  // no false negative
      most_left = std::max(most_left, learnt(r.record));
    }
  }
  EXPECT_EQ(kept, records::kHotEntries);
  EXPECT_LE(most_left, least_kept);
  // Keys in no record: about 1 % pass the filter (10 bits a key, 7 probes
  // in one block).
  std::mt19937_64 rng(6);
  std::size_t passed = 0;
  for (int i = 0; i < 100000; ++i) passed += filter.may_hold(rng()) ? 1 : 0;
  EXPECT_LT(passed, 2500U);
  EXPECT_GT(passed, 0U);
}

TEST(HotRecords, FewRecordsAreAllHotAndTheFilterIsEmpty) {
  const auto all = random_records(100, 7);
  const std::vector<unsigned char> value = records::build_hot(all);
  const auto views = records::read_hot(value.data(), value.size());
  ASSERT_TRUE(views.has_value());
  EXPECT_EQ(views->hot.entries, 100U);
  EXPECT_EQ(views->cold.blocks, 0U);
  EXPECT_FALSE(views->cold.may_hold(all.front().key));
  for (const auto& r : all) EXPECT_TRUE(views->hot.find(r.key).has_value());
}

// A value whose size is not the one its counts give is not read (the
// full copy answers).
TEST(HotRecords, ValueOfTheWrongSizeIsNotRead) {
  std::vector<unsigned char> value = records::build_hot(random_records(20000, 8));
  ASSERT_TRUE(records::read_hot(value.data(), value.size()).has_value());
  EXPECT_FALSE(records::read_hot(value.data(), value.size() - 1).has_value());
  EXPECT_FALSE(records::read_hot(value.data(), 8).has_value());
  value[0] ^= 1;  // one entry more or less than the value holds
  EXPECT_FALSE(records::read_hot(value.data(), value.size()).has_value());
}

// Through the store: what `mailroom learn` commits.
class HotStoreTest : public test::StoreDirTest {
 protected:
  void SetUp() override {
    test::StoreDirTest::SetUp();
    all_ = random_records(80000, 11);  // a filter of two chunks, as above
    for (const auto& r : all_) {
      keys_.push_back(r.key);
      records_.push_back(r.record);
    }
    std::mt19937_64 rng(12);
    for (int i = 0; i < 2000; ++i) keys_.push_back(rng());  // in no record
    records_.resize(keys_.size());
    auto store = open(StoreMode::read_write);
    put(*store, keys_, keys_.size(), records_);
  }

  // The store's reads of every key, against what was learnt.
  void expect_records(const char* when) {
    auto store = open(StoreMode::read_only);
    auto snap = store->read(keys_, keys_.size());
    ASSERT_TRUE(snap.has_value()) << when << ": " << snap.error().message;
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < keys_.size(); ++i)
      wrong += same(snap->records[i], records_[i]) ? 0 : 1;
    EXPECT_EQ(wrong, 0U) << when;
  }

  // A commit of this mailroom that changes no record.
  void commit_nothing() {
    auto store = open(StoreMode::read_write);
    auto writer = store->write();
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE((*writer)->commit().has_value());
  }

  static std::uint64_t stamp_of(const test::RawLmdb& raw) {
    const auto v = raw.get(raw.meta, "hot.stamp");
    std::uint64_t stamp = 0;
    if (v.size() == sizeof stamp) std::memcpy(&stamp, v.data(), sizeof stamp);
    return stamp;
  }

  std::vector<records::KeyedRecord> all_;
  std::vector<std::uint64_t> keys_;
  std::vector<TokenRecord> records_;
};

TEST_F(HotStoreTest, CommitWritesTheHotCopyStampedWithItsTransaction) {
  expect_records("as learnt");
  test::RawLmdb raw(dir_);
  // The raw write transaction is the one after the store's last commit.
  EXPECT_EQ(stamp_of(raw) + 1, mdb_txn_id(raw.txn));
  const auto value = raw.get(raw.meta, "hot");
  const auto views =
      records::read_hot(reinterpret_cast<const unsigned char*>(value.data()), value.size());
  ASSERT_TRUE(views.has_value());
  EXPECT_EQ(views->hot.entries, records::kHotEntries);
  EXPECT_EQ(views->cold.chunks.size(), 2U);  // past 1,023 blocks
}

// A delivery reads the hot copy: with the full copy's records wiped (and
// the stamp kept current), the hot records and the ones left out that
// the filter sends on still read as the full copy says, and the hot ones
// as learnt. Without the hot copy, every key would read as wiped.
TEST_F(HotStoreTest, DeliveryReadsTheHotCopyFirst) {
  {
    test::RawLmdb raw(dir_);
    for (int n = 0; n < 25; ++n) {  // 80,000 records: 25 chunks of 3,276
      const std::string name = "records." + std::to_string(n);
      const auto chunk = raw.get(raw.meta, name);
      ASSERT_FALSE(chunk.empty()) << name;
      const std::string zeros(chunk.size(), '\0');
      raw.put(raw.meta, name.data(), name.size(), zeros.data(), zeros.size());
    }
    const std::uint64_t stamp = mdb_txn_id(raw.txn);
    raw.put(raw.meta, "hot.stamp", 9, &stamp, sizeof stamp);
    raw.commit();
  }
  auto store = open(StoreMode::read_only);
  auto snap = store->read(keys_, keys_.size());
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  std::size_t hot = 0;
  for (std::size_t i = 0; i < all_.size(); ++i) {
    if (same(snap->records[i], records_[i])) {
      ++hot;
      continue;
    }
    ASSERT_EQ(snap->records[i].spam + snap->records[i].ham, 0U) << i;  // wiped
  }
  EXPECT_EQ(hot, records::kHotEntries);
}

// A commit that leaves the hot copy as it was (an earlier mailroom's, which
// does not know it): deliveries read the full copy, and the next commit
// of this mailroom, even one that changes no record, writes it anew.
TEST_F(HotStoreTest, CommitThatDoesNotStampTheHotCopyIsReadFromTheFullCopy) {
  std::string original;
  {
    test::RawLmdb raw(dir_);
    original = std::string(raw.get(raw.meta, "hot"));
    std::string garbled = original;  // the same counts and index, other records
    const std::size_t entries = records::kHotHeaderBytes + records::kHotIndexBytes;
    std::fill(garbled.begin() + entries, garbled.begin() + entries + 100000, '\x7f');
    raw.put(raw.meta, "hot", 3, garbled.data(), garbled.size());
    raw.commit();
  }
  expect_records("hot copy stale");
  commit_nothing();
  test::RawLmdb raw(dir_);
  EXPECT_EQ(raw.get(raw.meta, "hot"), original);
  EXPECT_EQ(stamp_of(raw) + 1, mdb_txn_id(raw.txn));
  raw.commit();
  expect_records("hot copy written anew");
}

// A format-3 store written by an earlier mailroom has no hot copy: it
// reads from the full copy, and this mailroom's next commit writes one.
TEST_F(HotStoreTest, StoreWithoutTheHotCopyReadsAndGetsOneAtTheNextCommit) {
  {
    test::RawLmdb raw(dir_);
    raw.del(raw.meta, "hot");
    raw.del(raw.meta, "hot.stamp");
    raw.commit();
  }
  expect_records("no hot copy");
  commit_nothing();
  test::RawLmdb raw(dir_);
  EXPECT_FALSE(raw.get(raw.meta, "hot").empty());
  EXPECT_EQ(stamp_of(raw) + 1, mdb_txn_id(raw.txn));
  raw.commit();
  expect_records("hot copy written");
}

}  // namespace
}  // namespace mailroom::spam
