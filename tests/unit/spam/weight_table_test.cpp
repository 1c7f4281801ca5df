// The hashed weight table of the token store (store.hpp): byte 4-grams
// keep a weight in a fixed table, not a record per key; two keys in one
// slot share it (each with its sign); the table persists in the LMDB store; a store written
// before the table (format 1: a record per 4-gram, no "format" key) is
// still read and learnt into per key; an unknown format or a damaged table
// is an error, never a crash.
#include <gtest/gtest.h>
#include <lmdb.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mailroom/spam/model.hpp"
#include "mailroom/spam/store.hpp"
#include "message_builder.hpp"
#include "raw_lmdb.hpp"
#include "store_dir.hpp"

namespace mailroom::spam {
namespace {

namespace fs = std::filesystem;

// Two keys with the same slot, found by search (about 1,300 keys at 2^20).
std::pair<std::uint64_t, std::uint64_t> colliding_keys() {
  std::unordered_map<std::size_t, std::uint64_t> seen;
  for (std::uint64_t k = 1;; ++k) {
    const auto [it, fresh] = seen.emplace(weight_slot(k), k);
    if (!fresh) return {it->second, k};
  }
}

class WeightTableTest : public test::StoreDirTest {
 protected:
  // Raw LMDB access, as the format-1 code wrote and as a damaged store holds.
  using Raw = test::RawLmdb;
};

TEST(WeightSlot, SpreadsSequentialKeysOverTheTable) {
  std::unordered_map<std::size_t, int> slots;
  for (std::uint64_t k = 0; k < 10000; ++k) {
    const std::size_t s = weight_slot(k);
    ASSERT_LT(s, kWeightSlots);
    ++slots[s];
  }
  // Uniform hashing expects ~48 collisions among 10,000 keys in 2^20 slots.
  EXPECT_GT(slots.size(), 9900U);
  int negative = 0;
  for (std::uint64_t k = 0; k < 10000; ++k) negative += weight_sign(k) < 0 ? 1 : 0;
  EXPECT_GT(negative, 4500);  // about half the keys are stored negated
  EXPECT_LT(negative, 5500);
}

TEST_F(WeightTableTest, WeightOnlyKeysShareTheirSlotAndPersist) {
  const auto [a, b] = colliding_keys();
  const std::uint64_t other = a + 1;
  ASSERT_NE(weight_slot(other), weight_slot(a));
  {
    auto store = open(StoreMode::read_write);
    put(*store, {7, a}, 1, {TokenRecord{2, 1, 0.25F}, TokenRecord{5, 5, 0.75F}});
  }
  auto store = open(StoreMode::read_only);
  const std::vector<std::uint64_t> keys{7, b, other};
  auto snap = store->read(keys, 1);
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->records[0].spam, 2U);
  EXPECT_EQ(snap->records[0].weight, 0.25F);
  // b was never written: it reads a's weight (the collision), with its own
  // sign, and no counts.
  EXPECT_EQ(snap->records[1].weight, weight_sign(a) * weight_sign(b) * 0.75F);
  EXPECT_EQ(snap->records[1].spam + snap->records[1].ham, 0U);
  EXPECT_EQ(snap->records[2].weight, 0.0F);
  // No record per weight-only key.
  const std::vector<std::uint64_t> as_counted{a};
  auto per_key = store->read(as_counted, 1);
  ASSERT_TRUE(per_key.has_value());
  EXPECT_EQ(per_key->records[0].weight, 0.0F);
}

TEST_F(WeightTableTest, MemoryStoreHashesAsLmdbDoes) {
  const auto [a, b] = colliding_keys();
  auto store = make_memory_store();
  put(*store, {a}, 0, {TokenRecord{1, 0, -0.5F}});
  const std::vector<std::uint64_t> keys{b};
  auto snap = store->read(keys, 0);
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->records[0].weight, weight_sign(a) * weight_sign(b) * -0.5F);
}

TEST_F(WeightTableTest, LearntStoreHasNoRecordPerByteNgram) {
  const auto msg = test::parse(
      "From: a@example.org\r\nSubject: cheap watches\r\n\r\nbuy cheap watches here today\r\n");
  const ModelParams params;
  const auto m = message_features(msg, params);
  ASSERT_LT(m.counted, m.keys.size());  // it has byte 4-grams
  {
    auto store = open(StoreMode::read_write);
    auto writer = store->write();
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE(learn(**writer, m, true, params).has_value());
    ASSERT_TRUE((*writer)->commit().has_value());
    auto snap = store->read(m.keys, m.counted);
    ASSERT_TRUE(snap.has_value());
    EXPECT_NE(snap->records.back().weight, 0.0F);  // the 4-grams learnt a weight
  }
  Raw raw(dir_);
  EXPECT_EQ(raw.entries(raw.tokens), m.counted);
}

TEST_F(WeightTableTest, FormatOneStoreIsReadAndLearntPerKey) {
  const std::uint64_t ngram = 0x1234;
  {
    Raw raw(dir_);
    // The format-1 layout: 12-byte records, 12-byte totals, no "format".
    const struct {
      std::uint32_t spam, ham;
      float weight;
    } record{1, 0, 0.75F};
    raw.put(raw.tokens, &ngram, sizeof ngram, &record, sizeof record);
    const struct {
      std::uint32_t spam, ham;
      float bias;
    } totals{30, 30, 0.125F};
    raw.put(raw.meta, "totals", 6, &totals, sizeof totals);
    raw.commit();
  }
  auto store = open(StoreMode::read_write);
  const std::vector<std::uint64_t> keys{ngram};
  auto snap = store->read(keys, 0);  // weight-only, but read per key in format 1
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->records[0].weight, 0.75F);
  EXPECT_EQ(snap->totals.spam, 30U);
  EXPECT_EQ(snap->totals.bias, 0.125F);
  const std::uint64_t fresh = 0x5678;
  put(*store, {fresh}, 0, {TokenRecord{0, 1, -0.5F}});
  const std::vector<std::uint64_t> again{ngram, fresh};
  snap = store->read(again, 0);
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->records[0].weight, 0.75F);
  EXPECT_EQ(snap->records[1].weight, -0.5F);
  EXPECT_EQ(snap->records[1].ham, 1U);  // a record, not a slot
  store.reset();
  Raw raw(dir_);
  EXPECT_EQ(raw.entries(raw.tokens), 2U);
}

// Totals written before corrections were counted still read, with no
// corrections; and "totals" stays the 20 bytes that earlier releases read.
TEST_F(WeightTableTest, TotalsWithoutCorrectionsAreRead) {
  {
    Raw raw(dir_);
    const struct {
      std::uint32_t spam, ham;
      float bias;
      std::uint32_t switches, last_class;
    } totals{30, 40, 0.5F, 12, 1};
    raw.put(raw.meta, "totals", 6, &totals, sizeof totals);
    raw.commit();
  }
  auto store = open(StoreMode::read_only);
  auto snap = store->read({}, 0);
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->totals.ham, 40U);
  EXPECT_EQ(snap->totals.switches, 12U);
  EXPECT_EQ(snap->totals.last_class, 1U);
  EXPECT_EQ(snap->totals.corrections, 0U);
  store.reset();
  store = open(StoreMode::read_write);
  put(*store, {1}, 1, {TokenRecord{1, 0, 0.0F}});
  store.reset();
  Raw raw(dir_);
  MDB_val key{6, const_cast<char*>("totals")};  // NOLINT: LMDB's C API
  MDB_val val;
  ASSERT_EQ(mdb_get(raw.txn, raw.meta, &key, &val), 0);
  EXPECT_EQ(val.mv_size, 20U);
}

TEST_F(WeightTableTest, UnknownFormatOrDamagedTableIsAnError) {
  {
    Raw raw(dir_);
    const std::uint32_t format = 4;  // a later mailroom's
    raw.put(raw.meta, "format", 6, &format, sizeof format);
    raw.commit();
  }
  auto store = open(StoreMode::read_only);
  const std::vector<std::uint64_t> keys{1, 2};
  auto snap = store->read(keys, 1);
  ASSERT_FALSE(snap.has_value());
  EXPECT_EQ(snap.error().kind, ErrorKind::temporary);
  EXPECT_NE(snap.error().message.find("format 4"), std::string::npos) << snap.error().message;
  store.reset();
  {
    Raw raw(dir_);
    const std::uint32_t format = 2;
    raw.put(raw.meta, "format", 6, &format, sizeof format);
    const std::vector<float> short_chunk(100, 1.0F);
    raw.put(raw.meta, "weights.0", 9, short_chunk.data(), short_chunk.size() * sizeof(float));
    raw.commit();
  }
  store = open(StoreMode::read_write);
  snap = store->read(keys, 1);
  ASSERT_FALSE(snap.has_value());
  EXPECT_NE(snap.error().message.find("weight table"), std::string::npos) << snap.error().message;
  auto writer = store->write();
  ASSERT_TRUE(writer.has_value());
  EXPECT_FALSE((*writer)->read(keys, 1).has_value());
}

}  // namespace
}  // namespace mailroom::spam
