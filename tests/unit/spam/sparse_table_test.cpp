// Format 3 of the LMDB store (src/spam/sparse_table.hpp, records_table.hpp):
// only the weight table's slots that hold a weight are kept, each reading
// exactly the 16-bit value format 2 kept, and deliveries read the token
// records from a packed copy that every commit rewrites; a format-2 store
// reads as before and is written in format 3 by its next training; the
// table shrinks and grows with the training; a damaged table is an error,
// never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mailroom/spam/model.hpp"
#include "mailroom/spam/store.hpp"
#include "message_builder.hpp"
#include "raw_lmdb.hpp"
#include "spam/records_table.hpp"
#include "spam/sparse_table.hpp"
#include "store_dir.hpp"

namespace mailroom::spam {
namespace {

// A dense table with `count` random non-zero slots (any 16-bit value but
// 0), the first and last slot included.
std::vector<std::int16_t> random_table(std::size_t count, unsigned seed) {
  std::vector<std::int16_t> dense(kWeightSlots, 0);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> slot(0, kWeightSlots - 1);
  std::uniform_int_distribution<int> units(-32767, 32767);
  for (std::size_t i = 0; i < count; ++i) dense[slot(rng)] = static_cast<std::int16_t>(units(rng));
  dense.front() = -32767;
  dense.back() = 32767;
  for (auto& u : dense)
    if (u == 0 && count >= kWeightSlots) u = 1;
  return dense;
}

// An encoded table as a reader sees it: the entries cut into chunks.
struct Stored {
  sparse::Encoded encoded;
  std::vector<std::vector<unsigned char>> chunks;
  sparse::View view() const {
    sparse::View v;
    v.index = reinterpret_cast<const unsigned char*>(encoded.index.data());
    v.entries = encoded.entry_count();
    for (const auto& c : chunks) v.chunks.push_back(c.data());
    return v;
  }
};
Stored store_of(const std::vector<std::int16_t>& dense) {
  Stored s{sparse::encode(dense), {}};
  const std::size_t n = sparse::kArray.chunk_count(s.encoded.entry_count());
  for (std::size_t c = 0; c < n; ++c) {
    const auto* from = s.encoded.entries.data() + c * kChunkValueBytes;
    s.chunks.emplace_back(from, from + sparse::kArray.chunk_bytes(c, s.encoded.entry_count()));
  }
  return s;
}

TEST(SparseTable, EverySlotReadsItsDenseValue) {
  // Empty, bench/deliver's training (0.4 %), interleaved training (7 %),
  // and every slot set (larger than the dense table: still exact).
  for (const std::size_t count :
       {std::size_t{0}, std::size_t{18000}, std::size_t{300000}, kWeightSlots}) {
    const auto dense = random_table(count, 7);
    const Stored stored = store_of(dense);
    const sparse::View view = stored.view();
    std::size_t wrong = 0;
    for (std::size_t slot = 0; slot < kWeightSlots; ++slot)
      wrong += view.units(slot) != dense[slot] ? 1 : 0;
    EXPECT_EQ(wrong, 0U) << count << " slots set";
    std::vector<std::int16_t> decoded(kWeightSlots, 0);
    sparse::decode(view, decoded);
    EXPECT_TRUE(decoded == dense) << count << " slots set";
  }
}

TEST(SparseTable, SizeFollowsTheSlotsInUse) {
  const auto encoded = sparse::encode(random_table(18000, 3));
  std::size_t in_use = 0;
  for (auto u : random_table(18000, 3)) in_use += u != 0 ? 1 : 0;
  EXPECT_EQ(encoded.entry_count(), in_use);
  EXPECT_EQ(encoded.entries.size(), in_use * sparse::kEntryBytes);
  EXPECT_EQ(encoded.index.size() * sizeof(std::uint32_t), sparse::kIndexBytes);
}

TEST(SparseTable, DamagedIndexReadsZerosInsideItsChunks) {
  auto dense = random_table(50000, 5);
  Stored stored = store_of(dense);
  const std::size_t bucket = 100;
  // Offsets out of order, and past the entries: the buckets read as zero
  // (under ASan: no read outside the chunks).
  stored.encoded.index[bucket + 1] = stored.encoded.index[bucket] - 1;
  stored.encoded.index[bucket + 3] = 0xFFFFFFF0U;
  const sparse::View view = stored.view();
  for (std::size_t b : {bucket, bucket + 2, bucket + 3}) {
    for (std::size_t low = 0; low < 256; ++low)
      ASSERT_EQ(view.units((b << sparse::kLowBits) | low), 0) << b;
  }
  std::vector<std::int16_t> decoded(kWeightSlots, 0);
  sparse::decode(view, decoded);
  EXPECT_EQ(decoded[(bucket + 2) << sparse::kLowBits], 0);
  // A view with fewer chunks than its entries need reads nothing.
  sparse::View short_view = view;
  short_view.chunks.pop_back();
  EXPECT_EQ(short_view.units(kWeightSlots - 1), 0);
}

TEST(RecordsTable, FindsEveryKeyAndNoOther) {
  std::mt19937_64 rng(9);
  std::vector<std::uint64_t> keys(20000);
  for (auto& k : keys) k = rng();
  keys.push_back(0);
  keys.push_back(~std::uint64_t{0});
  std::sort(keys.begin(), keys.end());
  records::Builder builder;
  for (std::size_t i = 0; i < keys.size(); ++i)
    builder.add(keys[i], TokenRecord{static_cast<std::uint32_t>(i), 7, static_cast<float>(i)});
  const auto index = builder.finish_index();
  ASSERT_EQ(index.size() * sizeof(std::uint32_t), records::kIndexBytes);
  std::vector<std::vector<unsigned char>> chunks;
  records::View view;
  view.index = reinterpret_cast<const unsigned char*>(index.data());
  view.entries = index_offset(view.index, records::kBuckets);
  ASSERT_EQ(view.entries, keys.size());
  for (std::size_t n = 0; n < records::kArray.chunk_count(view.entries); ++n) {
    const auto* from = builder.entries().data() + n * kChunkValueBytes;
    chunks.emplace_back(from, from + records::kArray.chunk_bytes(n, view.entries));
  }
  for (const auto& c : chunks) view.chunks.push_back(c.data());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto r = view.find(keys[i]);
    ASSERT_TRUE(r.has_value()) << i;
    ASSERT_EQ(r->spam, i);
    ASSERT_EQ(r->weight, static_cast<float>(i));
  }
  std::size_t found = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t k = rng();
    if (!std::binary_search(keys.begin(), keys.end(), k)) found += view.find(k) ? 1 : 0;
  }
  EXPECT_EQ(found, 0U);
  view.chunks.pop_back();  // fewer chunks than the index counts: nothing read
  EXPECT_FALSE(view.find(keys.front()).has_value());
}

class SparseStoreTest : public test::StoreDirTest {
 protected:
  static std::uint32_t format_of(const test::RawLmdb& raw) {
    const auto v = raw.get(raw.meta, "format");
    std::uint32_t format = 0;
    if (v.size() == sizeof format) std::memcpy(&format, v.data(), sizeof format);
    return format;
  }
  // The sum of the sizes of the meta values whose key starts with prefix.
  static std::size_t meta_bytes(const test::RawLmdb& raw, std::string_view prefix) {
    MDB_cursor* cursor = nullptr;
    EXPECT_EQ(mdb_cursor_open(raw.txn, raw.meta, &cursor), 0);
    MDB_val k;
    MDB_val v;
    std::size_t bytes = 0;
    while (mdb_cursor_get(cursor, &k, &v, MDB_NEXT) == 0)
      if (std::string_view(static_cast<const char*>(k.mv_data), k.mv_size).starts_with(prefix))
        bytes += v.mv_size;
    mdb_cursor_close(cursor);
    return bytes;
  }
};

// Keys whose slots cover a dense table's non-zero slots, with their
// expected weights (sign included), found by search.
struct KeyedWeights {
  std::vector<std::uint64_t> keys;
  std::vector<float> weights;
};
KeyedWeights keys_over(const std::vector<std::int16_t>& dense, std::size_t want) {
  KeyedWeights out;
  for (std::uint64_t k = 1; out.keys.size() < want; ++k) {
    const std::int16_t u = dense[weight_slot(k)];
    if (u == 0 && k % 16 != 0) continue;  // mostly set slots, some empty ones
    out.keys.push_back(k);
    out.weights.push_back(weight_sign(k) * weight_of(u));
  }
  return out;
}

TEST_F(SparseStoreTest, FormatTwoStoreReadsAsBeforeAndTrainingConvertsIt) {
  const auto dense = random_table(200000, 11);
  {
    test::RawLmdb raw(dir_);
    // Format 2: "weights.<n>", 64 KB of the dense table each; chunk 5 was
    // never written (all zero).
    constexpr std::size_t kChunkSlots = std::size_t{1} << 15;
    for (std::size_t n = 0; n < kWeightSlots / kChunkSlots; ++n) {
      if (n == 5) continue;
      const std::string key = "weights." + std::to_string(n);
      raw.put(raw.meta, key.data(), key.size(), &dense[n * kChunkSlots],
              kChunkSlots * sizeof(std::int16_t));
    }
    const std::uint32_t format = 2;
    raw.put(raw.meta, "format", 6, &format, sizeof format);
    const struct {
      std::uint32_t spam, ham;
      float weight;
    } record{3, 4, -0.5F};
    const std::uint64_t word = 0xABCDEF0123456789ULL;
    raw.put(raw.tokens, &word, sizeof word, &record, sizeof record);
    raw.commit();
  }
  auto expected = dense;
  std::fill_n(expected.begin() + 5 * (std::size_t{1} << 15), std::size_t{1} << 15, 0);
  const KeyedWeights kw = keys_over(expected, 20000);
  auto check = [&](TokenStore& store, const char* when) {
    auto snap = store.read(kw.keys, 0);
    ASSERT_TRUE(snap.has_value()) << snap.error().message;
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < kw.keys.size(); ++i)
      wrong += snap->records[i].weight != kw.weights[i] ? 1 : 0;
    EXPECT_EQ(wrong, 0U) << when;
  };
  check(*open(StoreMode::read_only), "format 2");
  {
    auto store = open(StoreMode::read_write);
    put(*store, {42}, 1, {TokenRecord{1, 0, 0.5F}});  // a training that writes no slot
  }
  {
    test::RawLmdb raw(dir_);
    EXPECT_EQ(format_of(raw), 3U);
    EXPECT_EQ(meta_bytes(raw, "weights."), 0U);  // format 2's chunks are gone
    EXPECT_GT(meta_bytes(raw, "sparse."), 0U);
  }
  check(*open(StoreMode::read_only), "converted to format 3");
  // The records read from the copy the conversion wrote.
  const std::vector<std::uint64_t> words{0xABCDEF0123456789ULL, 42, 43};
  auto snap = open(StoreMode::read_only)->read(words, 3);
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->records[0].ham, 4U);
  EXPECT_EQ(snap->records[0].weight, -0.5F);
  EXPECT_EQ(snap->records[1].spam, 1U);
  EXPECT_EQ(snap->records[2].spam + snap->records[2].ham, 0U);
  test::RawLmdb raw(dir_);
  EXPECT_EQ(raw.get(raw.meta, "records.index").size(), records::kIndexBytes);
}

// A record unlearnt to nothing is gone from the deliveries' copy too, and
// a training that adds records grows it past one chunk.
TEST_F(SparseStoreTest, RecordsCopyFollowsEveryCommit) {
  std::vector<std::uint64_t> keys;
  std::vector<TokenRecord> records;
  for (std::uint64_t k = 1; k <= 5000; ++k) {
    keys.push_back(k * 0x9E3779B97F4A7C15ULL);
    records.push_back(TokenRecord{1, 0, 0.125F});
  }
  auto store = open(StoreMode::read_write);
  put(*store, keys, keys.size(), records);
  records.front() = TokenRecord{};
  put(*store, {keys.front()}, 1, {records.front()});
  store.reset();
  store = open(StoreMode::read_only);
  auto snap = store->read(keys, keys.size());
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->records[0].spam, 0U);
  EXPECT_EQ(snap->records[1].spam, 1U);
  EXPECT_EQ(snap->records.back().weight, 0.125F);
  test::RawLmdb raw(dir_);
  const auto index = raw.get(raw.meta, "records.index");
  ASSERT_EQ(index.size(), records::kIndexBytes);
  EXPECT_EQ(index_offset(reinterpret_cast<const unsigned char*>(index.data()), records::kBuckets),
            4999U);
  EXPECT_FALSE(raw.get(raw.meta, "records.1").empty());  // 4,999 entries: two chunks
}

// A copy of more than ten chunks (whose keys sort "records.1",
// "records.10", ..., "records.2": a reader walks them with a cursor) reads
// every record; a chunk past the count is ignored; a missing chunk or one
// of the wrong size is an error that names it.
TEST_F(SparseStoreTest, RecordsCopyOfManyChunksReadsEveryRecord) {
  std::vector<std::uint64_t> keys;
  std::vector<TokenRecord> records;
  for (std::uint64_t k = 1; k <= 40000; ++k) {  // 13 chunks of 3,276 entries
    keys.push_back(k * 0x9E3779B97F4A7C15ULL);
    records.push_back(TokenRecord{static_cast<std::uint32_t>(k % 7 + 1),
                                  static_cast<std::uint32_t>(k % 5), 0.25F * (k % 3)});
  }
  auto store = open(StoreMode::read_write);
  put(*store, keys, keys.size(), records);
  store.reset();
  auto read_all = [&] {
    auto reader = open(StoreMode::read_only);
    return reader->read(keys, keys.size());
  };
  auto check_all = [&](const char* when) {
    auto snap = read_all();
    ASSERT_TRUE(snap.has_value()) << when << ": " << snap.error().message;
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
      wrong += snap->records[i].spam != records[i].spam || snap->records[i].ham != records[i].ham ||
                       snap->records[i].weight != records[i].weight
                   ? 1
                   : 0;
    EXPECT_EQ(wrong, 0U) << when;
  };
  check_all("as written");
  {
    test::RawLmdb raw(dir_);
    EXPECT_FALSE(raw.get(raw.meta, "records.12").empty());
    const std::string stale(7, 'x');
    raw.put(raw.meta, "records.13", 10, stale.data(), stale.size());
    raw.commit();
  }
  check_all("with a stale chunk past the count");
  {
    test::RawLmdb raw(dir_);
    raw.del(raw.meta, "records.11");
    raw.commit();
  }
  auto snap = read_all();
  ASSERT_FALSE(snap.has_value());
  EXPECT_NE(snap.error().message.find("records.11 missing"), std::string::npos)
      << snap.error().message;
  {
    test::RawLmdb raw(dir_);
    const std::string short_chunk(7, 'x');
    raw.put(raw.meta, "records.11", 10, short_chunk.data(), short_chunk.size());
    raw.commit();
  }
  snap = read_all();
  ASSERT_FALSE(snap.has_value());
  EXPECT_NE(snap.error().message.find("records.11 of 7 bytes"), std::string::npos)
      << snap.error().message;
}

// What `mailroom learn` writes reads back exactly as the memory store
// (bench/spam-eval's, which keeps the dense table) holds it: the same
// records, the same scores, over several transactions.
TEST_F(SparseStoreTest, LearntStoreScoresAsTheDenseTable) {
  const ModelParams params;
  std::vector<MessageFeatures> messages;
  std::mt19937 rng(3);
  const std::vector<std::string> words{"cheap",  "meeting", "watches", "invoice", "agenda",
                                       "offer",  "viagra",  "lunch",   "report",  "winner",
                                       "credit", "kernel",  "patch",   "free",    "prize"};
  for (int i = 0; i < 40; ++i) {
    std::string body;
    for (int w = 0; w < 30; ++w) body += words[rng() % words.size()] + (w % 8 == 7 ? "\r\n" : " ");
    messages.push_back(
        message_features(test::parse("From: a" + std::to_string(i) + "@example.org\r\nSubject: " +
                                     words[rng() % words.size()] + "\r\nMessage-ID: <" +
                                     std::to_string(i) + "@example.org>\r\n\r\n" + body + "\r\n"),
                         params));
  }
  auto lmdb = open(StoreMode::read_write);
  auto memory = make_memory_store();
  for (std::size_t batch = 0; batch < messages.size(); batch += 8) {
    for (TokenStore* store : {lmdb.get(), memory.get()}) {
      auto writer = store->write();
      ASSERT_TRUE(writer.has_value());
      for (std::size_t i = batch; i < batch + 8; ++i)
        ASSERT_TRUE(learn(**writer, messages[i], i % 3 == 0, params).has_value());
      ASSERT_TRUE((*writer)->commit().has_value());
    }
  }
  lmdb.reset();
  lmdb = open(StoreMode::read_only);
  for (const auto& m : messages) {
    auto a = lmdb->read(m.keys, m.counted);
    auto b = memory->read(m.keys, m.counted);
    ASSERT_TRUE(a.has_value() && b.has_value());
    ASSERT_EQ(a->records.size(), b->records.size());
    for (std::size_t i = 0; i < a->records.size(); ++i) {
      ASSERT_EQ(a->records[i].weight, b->records[i].weight) << i;
      ASSERT_EQ(a->records[i].spam, b->records[i].spam) << i;
    }
    EXPECT_EQ(classify(m, *a, params).combined, classify(m, *b, params).combined);
  }
  test::RawLmdb raw(dir_);
  EXPECT_EQ(format_of(raw), 3U);
}

// The stored table is the slots in use, not the 8 MB dense table, and it
// shrinks when weights go back to zero (no chunk left behind).
TEST_F(SparseStoreTest, TableSizeFollowsTheTraining) {
  std::vector<std::uint64_t> keys;
  std::vector<TokenRecord> records;
  for (std::uint64_t k = 1; keys.size() < 30000; ++k) {
    keys.push_back(k);
    records.push_back(TokenRecord{0, 0, 0.25F});
  }
  auto store = open(StoreMode::read_write);
  put(*store, keys, 0, records);
  std::size_t grown = 0;
  {
    test::RawLmdb raw(dir_);
    grown = meta_bytes(raw, "sparse.");
    EXPECT_LT(grown, sparse::kIndexBytes + 30000 * sparse::kEntryBytes + 1);
    EXPECT_FALSE(raw.get(raw.meta, "sparse.1").empty());  // 30,000 entries: two chunks
  }
  for (auto& r : records) r.weight = 0.0F;
  records.back().weight = 0.5F;  // the last write of its slot
  put(*store, keys, 0, records);
  test::RawLmdb raw(dir_);
  EXPECT_EQ(meta_bytes(raw, "sparse."), sparse::kIndexBytes + sparse::kEntryBytes);
  EXPECT_TRUE(raw.get(raw.meta, "sparse.1").empty());
}

// A new store whose first training writes no slot still records its
// format, so it is not taken for a format-1 store (a record per key)
// later.
TEST_F(SparseStoreTest, FirstTrainingWithoutSlotsRecordsTheFormat) {
  auto store = open(StoreMode::read_write);
  put(*store, {7}, 1, {TokenRecord{1, 0, 0.5F}});
  put(*store, {7, 0x5678}, 1, {TokenRecord{1, 0, 0.5F}, TokenRecord{0, 0, -0.25F}});
  store.reset();
  test::RawLmdb raw(dir_);
  EXPECT_EQ(format_of(raw), 3U);
  EXPECT_EQ(raw.entries(raw.tokens), 1U);  // 0x5678 went to the table
}

TEST_F(SparseStoreTest, DamagedTableIsAnError) {
  const std::vector<std::uint64_t> keys{1, 2};
  const std::uint32_t format = 3;
  {
    test::RawLmdb raw(dir_);
    raw.put(raw.meta, "format", 6, &format, sizeof format);
    const std::vector<std::uint32_t> short_index(100, 0);
    raw.put(raw.meta, "sparse.index", 12, short_index.data(), short_index.size() * 4);
    raw.commit();
  }
  auto store = open(StoreMode::read_write);
  auto snap = store->read(keys, 1);
  ASSERT_FALSE(snap.has_value());
  EXPECT_EQ(snap.error().kind, ErrorKind::temporary);
  EXPECT_NE(snap.error().message.find("weight table"), std::string::npos) << snap.error().message;
  auto writer = store->write();
  ASSERT_TRUE(writer.has_value());
  EXPECT_FALSE((*writer)->read(keys, 1).has_value());
  writer->reset();
  store.reset();
  {
    // An index that counts more entries than the chunks hold.
    test::RawLmdb raw(dir_);
    std::vector<std::uint32_t> index(sparse::kBuckets + 1, 0);
    index.back() = 5;
    raw.put(raw.meta, "sparse.index", 12, index.data(), sparse::kIndexBytes);
    raw.commit();
  }
  store = open(StoreMode::read_only);
  snap = store->read(keys, 1);
  ASSERT_FALSE(snap.has_value());
  EXPECT_NE(snap.error().message.find("sparse.0 missing"), std::string::npos)
      << snap.error().message;
}

}  // namespace
}  // namespace mailroom::spam
