// The LMDB token store (store.hpp). Three named databases in one
// environment: "tokens" (8-byte key -> 12-byte TokenRecord), "messages"
// (32-byte digest -> 1-byte class) and "meta" ("totals" -> Totals,
// "format" -> 4-byte version, and the hashed weight table: "sparse.index"
// and "sparse.<n>" in format 3 (sparse_table.hpp), "weights.<n>" -> dense
// chunk n in format 2; in format 3 also "records.index" and "records.<n>",
// the deliveries' copy of "tokens" (records_table.hpp), and, written by
// this mailroom, "hot" and "hot.stamp": the hot copy and the filter in one
// value (hot_records.hpp) and the transaction that wrote it (read_lookup
// says why). LMDB keeps a large
// value on consecutive overflow pages, so a reader reads it in place in
// the map).
// Values are stored in host byte order: a store is local to its machine
// (the shared store for several hosts is Redis).
#include <lmdb.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/spam/store.hpp"
#include "spam/hot_records.hpp"
#include "spam/records_table.hpp"
#include "spam/sparse_table.hpp"

namespace mailroom::spam {
namespace {

// The map is address space, not disk: LMDB grows the file as needed up to
// this size. 1 GiB holds ~40 million tokens, far beyond any mailbox.
constexpr std::size_t kMapSize = std::size_t{1} << 30;

struct PackedRecord {
  std::uint32_t spam;
  std::uint32_t ham;
  float weight;
};
static_assert(sizeof(PackedRecord) == 12);

struct PackedTotals {
  std::uint32_t spam;
  std::uint32_t ham;
  float bias;
  std::uint32_t switches;
  std::uint32_t last_class;
};
// Stores written before switches were kept hold the first three fields.
constexpr std::size_t kOldTotalsSize = 12;

constexpr std::string_view kTotalsKey = "totals";
// Totals::corrections has a key of its own: "totals" stays the 20 bytes
// that earlier mailroom releases check for, so a store written by this one
// still scores with them (a rollback, bench/deliver --compare).
constexpr std::string_view kCorrectionsKey = "corrections";
constexpr std::string_view kFormatKey = "format";
// Format 1: a record per key, byte 4-grams included (stores written before
// the weight table; they carry no "format" key). Format 2: the keys past
// `counted` keep their weight in the dense table. Format 3: the same table
// kept sparse (sparse_table.hpp); a writer turns a format-2 store into
// format 3 when it commits, and new stores start in format 3.
constexpr std::uint32_t kFormatPerKey = 1;
constexpr std::uint32_t kFormatHashed = 2;
constexpr std::uint32_t kFormatSparse = 3;
// Format 2 kept the table in 64 KB chunks, one value each: every commit
// wrote the chunks anew (copy-on-write), and LMDB reuses freed runs of 16
// pages readily, where one 16 MB value needed 4,096 free pages in a row and
// grew the file instead (2^22 float slots in one value: a 118 MB store).
constexpr std::size_t kChunkSlots = std::size_t{1} << 15;
constexpr std::size_t kChunks = kWeightSlots / kChunkSlots;
constexpr std::size_t kChunkBytes = kChunkSlots * sizeof(std::int16_t);
static_assert(kWeightSlots % kChunkSlots == 0);

std::string chunk_key(std::size_t n) { return "weights." + std::to_string(n); }
constexpr std::string_view kSparseIndexKey = "sparse.index";
constexpr std::string_view kSparseChunkPrefix = "sparse.";
std::string sparse_chunk_key(std::size_t n) {
  return std::string(kSparseChunkPrefix) + std::to_string(n);
}
constexpr std::string_view kRecordsIndexKey = "records.index";
constexpr std::string_view kRecordsChunkPrefix = "records.";
std::string records_chunk_key(std::size_t n) {
  return std::string(kRecordsChunkPrefix) + std::to_string(n);
}
constexpr std::string_view kHotKey = "hot";
constexpr std::string_view kHotStampKey = "hot.stamp";

// A weight table: format 2's dense chunks, mapped by LMDB (a reader) or
// the writer's copy (a chunk never written reads as all weights 0), or
// format 3's sparse table mapped by LMDB.
struct TableView {
  std::vector<const unsigned char*> chunks;
  sparse::View sparse;
  bool is_sparse = false;
  [[nodiscard]] std::int16_t units(std::size_t slot) const noexcept {
    if (is_sparse) return sparse.units(slot);
    std::int16_t units = 0;
    const std::size_t n = slot / kChunkSlots;
    if (n < chunks.size() && chunks[n] != nullptr)
      std::memcpy(&units, chunks[n] + (slot % kChunkSlots) * sizeof units, sizeof units);
    return units;
  }
  [[nodiscard]] float at(std::size_t slot) const noexcept { return weight_of(units(slot)); }
};

tl::unexpected<Error> lmdb_error(const std::string& what, int rc) {
  // Every store failure may pass (a full disk, a busy reader table):
  // temporary, so deliver degrades and learn can be run again.
  return fail(ErrorKind::temporary, "spam store: " + what + ": " + mdb_strerror(rc));
}

MDB_val as_val(const void* data, std::size_t size) {
  return MDB_val{size, const_cast<void*>(data)};  // NOLINT: LMDB's C API takes non-const
}

struct Dbis {
  MDB_dbi tokens = 0;
  MDB_dbi messages = 0;
  MDB_dbi meta = 0;
};

Result<Totals> read_totals(MDB_txn* txn, MDB_dbi meta) {
  MDB_val key = as_val(kTotalsKey.data(), kTotalsKey.size());
  MDB_val val;
  const int rc = mdb_get(txn, meta, &key, &val);
  if (rc == MDB_NOTFOUND) return Totals{};
  if (rc != 0) return lmdb_error("read totals", rc);
  if (val.mv_size != sizeof(PackedTotals) && val.mv_size != kOldTotalsSize)
    return fail(ErrorKind::temporary, "spam store: bad totals");
  PackedTotals t{};
  std::memcpy(&t, val.mv_data, val.mv_size);
  Totals totals{t.spam, t.ham, t.bias, t.switches, static_cast<std::uint8_t>(t.last_class)};
  key = as_val(kCorrectionsKey.data(), kCorrectionsKey.size());
  const int found = mdb_get(txn, meta, &key, &val);
  if (found == 0 && val.mv_size == sizeof totals.corrections)
    std::memcpy(&totals.corrections, val.mv_data, sizeof totals.corrections);
  else if (found != 0 && found != MDB_NOTFOUND)  // none: a store written before it was kept
    return lmdb_error("read corrections", found);
  return totals;
}

// The store's format: its "format" key, else 1 when it has records (it was
// written before formats were kept) and 3 when it is new.
Result<std::uint32_t> read_format(MDB_txn* txn, const Dbis& dbis) {
  MDB_val key = as_val(kFormatKey.data(), kFormatKey.size());
  MDB_val val;
  int rc = mdb_get(txn, dbis.meta, &key, &val);
  if (rc == 0) {
    std::uint32_t format = 0;
    if (val.mv_size == sizeof format) std::memcpy(&format, val.mv_data, sizeof format);
    if (format >= kFormatPerKey && format <= kFormatSparse) return format;
    return fail(ErrorKind::temporary, "spam store: format " + std::to_string(format) +
                                          " is not one this mailroom reads (1 to 3)");
  }
  if (rc != MDB_NOTFOUND) return lmdb_error("read format", rc);
  MDB_stat st{};
  rc = mdb_stat(txn, dbis.tokens, &st);
  if (rc != 0) return lmdb_error("stat tokens", rc);
  return st.ms_entries == 0 ? kFormatSparse : kFormatPerKey;
}

Result<TableView> read_table(MDB_txn* txn, const Dbis& dbis) {
  TableView table;
  table.chunks.resize(kChunks);
  for (std::size_t n = 0; n < kChunks; ++n) {
    const std::string name = chunk_key(n);
    MDB_val key = as_val(name.data(), name.size());
    MDB_val val;
    const int rc = mdb_get(txn, dbis.meta, &key, &val);
    if (rc == MDB_NOTFOUND) continue;
    if (rc != 0) return lmdb_error("read weight table", rc);
    if (val.mv_size != kChunkBytes)
      return fail(ErrorKind::temporary, "spam store: weight table chunk " + name + " of " +
                                            std::to_string(val.mv_size) + " bytes, expected " +
                                            std::to_string(kChunkBytes));
    table.chunks[n] = static_cast<const unsigned char*>(val.mv_data);
  }
  return table;
}

// Where format 3 keeps one of its chunked arrays (chunked_array.hpp) in
// "meta", and what to call it in an error.
struct ArrayKeys {
  std::string_view index;
  std::string (*chunk)(std::size_t);
  std::string_view chunk_prefix;  // chunk(n) is this and n in decimal
  ChunkedArray layout;
  std::size_t index_bytes;
  std::string_view what;
};
const ArrayKeys kSparseKeys{kSparseIndexKey, sparse_chunk_key,    kSparseChunkPrefix,
                            sparse::kArray,  sparse::kIndexBytes, "weight table"};
const ArrayKeys kRecordsKeys{kRecordsIndexKey, records_chunk_key,    kRecordsChunkPrefix,
                             records::kArray,  records::kIndexBytes, "records"};

tl::unexpected<Error> damaged(const ArrayKeys& keys, const std::string& what) {
  return fail(ErrorKind::temporary, "spam store: " + std::string(keys.what) + " " + what);
}

// n of a chunk's key past its prefix ("12" of "records.12"), as
// chunk_key writes it; nothing for another key ("index").
std::optional<std::size_t> chunk_number(std::string_view digits) noexcept {
  if (digits.empty() || digits.size() > 9 || (digits[0] == '0' && digits.size() > 1))
    return std::nullopt;
  std::size_t n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

// The chunks of an array of `entries` entries, each of the size it must
// have, found by one cursor walk over the keys that start with their prefix
// ("records.0" < "records.1" < "records.10" ... < "records.index"): a
// descent from the root per chunk (mdb_get) was 70 K instructions of a
// delivery with a store trained on 5,000 messages (35 chunks of the
// records' copy; callgrind).
Result<std::vector<const unsigned char*>> read_chunks(MDB_txn* txn, const Dbis& dbis,
                                                      const ArrayKeys& keys, std::size_t entries) {
  const std::size_t count = keys.layout.chunk_count(entries);
  std::vector<const unsigned char*> chunks(count, nullptr);
  if (count == 0) return chunks;
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn, dbis.meta, &cursor);
  if (rc != 0) return lmdb_error("read " + std::string(keys.what), rc);
  MDB_val key = as_val(keys.chunk_prefix.data(), keys.chunk_prefix.size());
  MDB_val val;
  std::optional<std::string> wrong_size;
  std::size_t found = 0;
  for (rc = mdb_cursor_get(cursor, &key, &val, MDB_SET_RANGE); rc == 0;
       rc = mdb_cursor_get(cursor, &key, &val, MDB_NEXT)) {
    const std::string_view name(static_cast<const char*>(key.mv_data), key.mv_size);
    if (!name.starts_with(keys.chunk_prefix)) break;
    const auto n = chunk_number(name.substr(keys.chunk_prefix.size()));
    if (!n || *n >= count) continue;  // the index, or a chunk past the count
    if (val.mv_size != keys.layout.chunk_bytes(*n, entries)) {
      wrong_size = std::string(name) + " of " + std::to_string(val.mv_size) + " bytes";
      break;
    }
    chunks[*n] = static_cast<const unsigned char*>(val.mv_data);
    if (++found == count) break;
  }
  mdb_cursor_close(cursor);
  if (wrong_size) return damaged(keys, *wrong_size);
  if (rc != 0 && rc != MDB_NOTFOUND) return lmdb_error("read " + std::string(keys.what), rc);
  for (std::size_t n = 0; n < count; ++n)
    if (chunks[n] == nullptr) return damaged(keys, keys.chunk(n) + " missing");
  return chunks;
}

// A chunked array in place: its index and the chunks its last offset
// counts, each of the size it must have (index nullptr: never written).
// Only the meta database's leaf is read here (and the index's last page);
// the array's pages are touched by the lookups alone.
struct MappedArray {
  const unsigned char* index = nullptr;
  std::size_t entries = 0;
  std::vector<const unsigned char*> chunks;
};
Result<MappedArray> read_array(MDB_txn* txn, const Dbis& dbis, const ArrayKeys& keys) {
  MappedArray array;
  MDB_val key = as_val(keys.index.data(), keys.index.size());
  MDB_val val;
  int rc = mdb_get(txn, dbis.meta, &key, &val);
  if (rc == MDB_NOTFOUND) return array;
  if (rc != 0) return lmdb_error("read " + std::string(keys.what), rc);
  if (val.mv_size != keys.index_bytes)
    return damaged(keys, "index of " + std::to_string(val.mv_size) + " bytes");
  const auto* index = static_cast<const unsigned char*>(val.mv_data);
  const std::size_t entries = index_offset(index, keys.index_bytes / sizeof(std::uint32_t) - 1);
  auto chunks = read_chunks(txn, dbis, keys, entries);
  if (!chunks) return tl::unexpected(chunks.error());
  array.chunks = std::move(*chunks);
  array.index = index;
  array.entries = entries;
  return array;
}

// Format 3's table, in place (never written: all weights 0).
Result<TableView> read_sparse(MDB_txn* txn, const Dbis& dbis) {
  auto array = read_array(txn, dbis, kSparseKeys);
  if (!array) return tl::unexpected(array.error());
  if (array->entries > kWeightSlots) return damaged(kSparseKeys, "index past the table");
  TableView table;
  table.is_sparse = true;
  table.sparse = sparse::View{array->index, std::move(array->chunks), array->entries};
  return table;
}

// Format 3's copy of the records, in place; none (index nullptr: read the
// B+tree) when no commit wrote it.
Result<records::View> read_records(MDB_txn* txn, const Dbis& dbis) {
  auto array = read_array(txn, dbis, kRecordsKeys);
  if (!array) return tl::unexpected(array.error());
  return records::View{array->index, std::move(array->chunks), array->entries};
}

// The transaction that wrote the hot copy and the filter (0: none did).
Result<std::uint64_t> read_hot_stamp(MDB_txn* txn, const Dbis& dbis) {
  MDB_val key = as_val(kHotStampKey.data(), kHotStampKey.size());
  MDB_val val;
  const int rc = mdb_get(txn, dbis.meta, &key, &val);
  if (rc == MDB_NOTFOUND) return 0;
  if (rc != 0) return lmdb_error("read hot stamp", rc);
  std::uint64_t stamp = 0;
  if (val.mv_size == sizeof stamp) std::memcpy(&stamp, val.mv_data, sizeof stamp);
  return stamp;
}

// Format 3's copies, in place. The hot copy and the filter are read only
// when the last commit wrote them (their stamp is this snapshot's
// transaction id, mdb_txn_id): a commit by a mailroom that does not know
// them (an earlier release, run again after an upgrade) rewrites the
// records' copy and leaves them as they were, so they would answer from an
// older training; such a snapshot reads the full copy alone, exactly as
// before, until this mailroom's next commit writes them anew.
Result<records::Lookup> read_lookup(MDB_txn* txn, const Dbis& dbis) {
  auto full = read_records(txn, dbis);
  if (!full) return tl::unexpected(full.error());
  records::Lookup lookup{std::move(*full), {}, {}};
  if (lookup.full.index == nullptr) return lookup;
  auto stamp = read_hot_stamp(txn, dbis);
  if (!stamp) return tl::unexpected(stamp.error());
  if (*stamp != mdb_txn_id(txn)) return lookup;
  MDB_val key = as_val(kHotKey.data(), kHotKey.size());
  MDB_val val;
  if (mdb_get(txn, dbis.meta, &key, &val) != 0) return lookup;
  // A damaged value is only slower: the full copy answers.
  auto hot = records::read_hot(static_cast<const unsigned char*>(val.mv_data), val.mv_size);
  if (!hot) return lookup;
  lookup.hot = std::move(hot->hot);
  lookup.cold = std::move(hot->cold);
  return lookup;
}

// The table of a store in format 2 or 3, read in place.
Result<TableView> read_weights(MDB_txn* txn, const Dbis& dbis, std::uint32_t format) {
  return format == kFormatSparse ? read_sparse(txn, dbis) : read_table(txn, dbis);
}

// Keys before `counted` (all of them in format 1: table.bytes unused) are
// looked up one by one, in the records' copy when there is one, else in
// the B+tree; the rest read their slot of the table.
Result<Snapshot> read_in(MDB_txn* txn, const Dbis& dbis, std::span<const std::uint64_t> keys,
                         std::size_t counted, const TableView& table,
                         const records::Lookup& copy = {}) {
  Snapshot snap;
  auto totals = read_totals(txn, dbis.meta);
  if (!totals) return tl::unexpected(totals.error());
  snap.totals = *totals;
  snap.records.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i >= counted) {
      snap.records.push_back(
          TokenRecord{0, 0, weight_sign(keys[i]) * table.at(weight_slot(keys[i]))});
      continue;
    }
    if (copy.full.index != nullptr) {
      snap.records.push_back(copy.find(keys[i]).value_or(TokenRecord{}));
      continue;
    }
    MDB_val key = as_val(&keys[i], sizeof keys[i]);
    MDB_val val;
    const int rc = mdb_get(txn, dbis.tokens, &key, &val);
    if (rc == MDB_NOTFOUND || (rc == 0 && val.mv_size != sizeof(PackedRecord))) {
      snap.records.emplace_back();
      continue;
    }
    if (rc != 0) return lmdb_error("read token", rc);
    PackedRecord r{};
    std::memcpy(&r, val.mv_data, sizeof r);
    snap.records.push_back(TokenRecord{r.spam, r.ham, r.weight});
  }
  return snap;
}

class LmdbWriter final : public StoreWriter {
 public:
  LmdbWriter(MDB_txn* txn, Dbis dbis) : txn_(txn), dbis_(dbis) {}
  ~LmdbWriter() override {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  LmdbWriter(const LmdbWriter&) = delete;
  LmdbWriter& operator=(const LmdbWriter&) = delete;

  Result<Snapshot> read(std::span<const std::uint64_t> keys, std::size_t counted) override {
    auto hashed = load_table();
    if (!hashed) return tl::unexpected(hashed.error());
    if (!*hashed) return read_in(txn_, dbis_, keys, keys.size(), {});
    TableView own;
    for (std::size_t n = 0; n < kChunks; ++n)
      own.chunks.push_back(reinterpret_cast<const unsigned char*>(&table_[n * kChunkSlots]));
    return read_in(txn_, dbis_, keys, counted, own);
  }

  Result<MessageClass> message_class(const Digest& digest) override {
    MDB_val key = as_val(digest.data(), digest.size());
    MDB_val val;
    const int rc = mdb_get(txn_, dbis_.messages, &key, &val);
    if (rc == MDB_NOTFOUND) return MessageClass::none;
    if (rc != 0) return lmdb_error("read message class", rc);
    const auto cls = val.mv_size == 1 ? *static_cast<const std::uint8_t*>(val.mv_data) : 0;
    return cls <= 2 ? static_cast<MessageClass>(cls) : MessageClass::none;
  }

  Status put(std::span<const std::uint64_t> keys, std::size_t counted,
             std::span<const TokenRecord> records, const Totals& totals) override {
    auto hashed = load_table();
    if (!hashed) return tl::unexpected(hashed.error());
    if (!*hashed) counted = keys.size();
    for (std::size_t i = 0; i < keys.size() && i < records.size(); ++i) {
      if (i >= counted) {
        table_[weight_slot(keys[i])] = quantize_weight(weight_sign(keys[i]) * records[i].weight);
        dirty_ = true;
        continue;
      }
      MDB_val key = as_val(&keys[i], sizeof keys[i]);
      const TokenRecord& r = records[i];
      int rc = 0;
      if (r.spam == 0 && r.ham == 0 && r.weight == 0.0F) {
        rc = mdb_del(txn_, dbis_.tokens, &key, nullptr);  // unlearnt to nothing: no record
        if (rc == MDB_NOTFOUND) rc = 0;
      } else {
        const PackedRecord packed{r.spam, r.ham, r.weight};
        MDB_val val = as_val(&packed, sizeof packed);
        rc = mdb_put(txn_, dbis_.tokens, &key, &val, 0);
      }
      if (rc != 0) return lmdb_error("write token", rc);
      records_dirty_ = true;
    }
    const PackedTotals packed{totals.spam, totals.ham, totals.bias, totals.switches,
                              totals.last_class};
    MDB_val key = as_val(kTotalsKey.data(), kTotalsKey.size());
    MDB_val val = as_val(&packed, sizeof packed);
    int rc = mdb_put(txn_, dbis_.meta, &key, &val, 0);
    if (rc != 0) return lmdb_error("write totals", rc);
    key = as_val(kCorrectionsKey.data(), kCorrectionsKey.size());
    val = as_val(&totals.corrections, sizeof totals.corrections);
    rc = mdb_put(txn_, dbis_.meta, &key, &val, 0);
    if (rc != 0) return lmdb_error("write corrections", rc);
    return ok();
  }

  Status set_message_class(const Digest& digest, MessageClass cls) override {
    MDB_val key = as_val(digest.data(), digest.size());
    const auto byte = static_cast<std::uint8_t>(cls);
    MDB_val val = as_val(&byte, 1);
    const int rc = mdb_put(txn_, dbis_.messages, &key, &val, 0);
    if (rc != 0) return lmdb_error("write message class", rc);
    return ok();
  }

  Status commit() override {
    if (auto saved = save_table(); !saved) return saved;
    const int rc = mdb_txn_commit(txn_);
    txn_ = nullptr;  // committed or failed: LMDB freed it either way
    if (rc != 0) return lmdb_error("commit", rc);
    return ok();
  }

 private:
  Status read_format_once() {
    if (format_ != 0) return ok();
    auto format = read_format(txn_, dbis_);
    if (!format) return tl::unexpected(format.error());
    format_ = *format;
    return ok();
  }

  // Whether the store keeps a weight table (format 2 or 3); if so the
  // table is copied into table_ (once per transaction: 8 MB, a few ms) for
  // reads and writes.
  Result<bool> load_table() {
    if (auto known = read_format_once(); !known) return tl::unexpected(known.error());
    if (format_ == kFormatPerKey) return false;
    if (!table_.empty()) return true;
    auto stored = read_weights(txn_, dbis_, format_);
    if (!stored) return tl::unexpected(stored.error());
    table_.assign(kWeightSlots, 0);
    if (stored->is_sparse)
      sparse::decode(stored->sparse, table_);
    else
      for (std::size_t i = 0; i < kWeightSlots; ++i) table_[i] = stored->units(i);
    // A format-2 table is written anew in format 3 at commit, with the
    // records' copy.
    dirty_ = format_ == kFormatHashed;
    records_dirty_ = records_dirty_ || dirty_;
    return true;
  }

  // At commit: a changed table (or a format-2 one) written in format 3,
  // with the format.
  Status save_table() {
    if (auto known = read_format_once(); !known) return known;
    if (format_ == kFormatPerKey) return ok();
    if (format_ == kFormatHashed)
      if (auto loaded = load_table(); !loaded) return tl::unexpected(loaded.error());
    if (dirty_) {
      if (auto written = write_sparse(); !written) return written;
      // Format 2's chunks, each written or not.
      if (format_ == kFormatHashed)
        for (std::size_t n = 0; n < kChunks; ++n)
          if (auto dropped = drop_keys(chunk_key, n, n + 1); !dropped) return dropped;
      dirty_ = false;
    }
    // The hot copy stamped by the commit before this one is still this
    // snapshot's (read_lookup); else an earlier mailroom committed since,
    // and the copies are written anew, as for changed records.
    auto stamp = read_hot_stamp(txn_, dbis_);
    if (!stamp) return tl::unexpected(stamp.error());
    const std::uint64_t this_commit = mdb_txn_id(txn_);
    if (records_dirty_ || *stamp + 1 != this_commit) {
      if (auto written = write_records(); !written) return written;
      records_dirty_ = false;
    }
    MDB_val stamp_key = as_val(kHotStampKey.data(), kHotStampKey.size());
    MDB_val stamp_val = as_val(&this_commit, sizeof this_commit);
    if (const int rc = mdb_put(txn_, dbis_.meta, &stamp_key, &stamp_val, 0); rc != 0)
      return lmdb_error("write hot stamp", rc);
    format_ = kFormatSparse;
    MDB_val format_key = as_val(kFormatKey.data(), kFormatKey.size());
    MDB_val format_val = as_val(&format_, sizeof format_);
    const int rc = mdb_put(txn_, dbis_.meta, &format_key, &format_val, 0);
    if (rc != 0) return lmdb_error("write format", rc);
    return ok();
  }

  // table_ as format 3.
  Status write_sparse() {
    const sparse::Encoded encoded = sparse::encode(table_);
    return write_array(kSparseKeys, encoded.index, encoded.entries);
  }

  // The records' copy from the B+tree as this transaction left it (one
  // cursor pass in key order), and the hot copy and filter of it.
  Status write_records() {
    records::Builder builder;
    std::vector<records::KeyedRecord> all;
    MDB_cursor* cursor = nullptr;
    int rc = mdb_cursor_open(txn_, dbis_.tokens, &cursor);
    if (rc != 0) return lmdb_error("read tokens", rc);
    MDB_val key;
    MDB_val val;
    while ((rc = mdb_cursor_get(cursor, &key, &val, MDB_NEXT)) == 0) {
      if (key.mv_size != sizeof(std::uint64_t) || val.mv_size != sizeof(PackedRecord)) continue;
      std::uint64_t k = 0;
      PackedRecord r{};
      std::memcpy(&k, key.mv_data, sizeof k);
      std::memcpy(&r, val.mv_data, sizeof r);
      builder.add(k, TokenRecord{r.spam, r.ham, r.weight});
      all.push_back(records::KeyedRecord{k, TokenRecord{r.spam, r.ham, r.weight}});
    }
    mdb_cursor_close(cursor);
    if (rc != MDB_NOTFOUND) return lmdb_error("read tokens", rc);
    if (auto written = write_array(kRecordsKeys, builder.finish_index(), builder.entries());
        !written)
      return written;
    const std::vector<unsigned char> hot = records::build_hot(all);
    MDB_val hot_key = as_val(kHotKey.data(), kHotKey.size());
    MDB_val hot_val{hot.size(), nullptr};
    if (const int put = mdb_put(txn_, dbis_.meta, &hot_key, &hot_val, MDB_RESERVE); put != 0)
      return lmdb_error("write hot records", put);
    std::memcpy(hot_val.mv_data, hot.data(), hot.size());
    return ok();
  }

  // A chunked array: the index and the chunks (MDB_RESERVE: LMDB gives
  // the space, one copy); chunks past the new count (an array that
  // shrank) removed.
  Status write_array(const ArrayKeys& keys, const std::vector<std::uint32_t>& index,
                     const std::vector<unsigned char>& entries) {
    if (index.size() * sizeof(std::uint32_t) != keys.index_bytes)
      return damaged(keys, "index of the wrong size");  // never: encode and Builder make it
    MDB_val key = as_val(keys.index.data(), keys.index.size());
    MDB_val val{keys.index_bytes, nullptr};
    int rc = mdb_put(txn_, dbis_.meta, &key, &val, MDB_RESERVE);
    if (rc != 0) return lmdb_error("write " + std::string(keys.what), rc);
    std::memcpy(val.mv_data, index.data(), keys.index_bytes);
    const std::size_t count = entries.size() / keys.layout.entry_bytes;
    const std::size_t chunks = keys.layout.chunk_count(count);
    for (std::size_t n = 0; n < chunks; ++n) {
      const std::string name = keys.chunk(n);
      key = as_val(name.data(), name.size());
      val = MDB_val{keys.layout.chunk_bytes(n, count), nullptr};
      rc = mdb_put(txn_, dbis_.meta, &key, &val, MDB_RESERVE);
      if (rc != 0) return lmdb_error("write " + std::string(keys.what), rc);
      const std::size_t first = n * keys.layout.chunk_entries() * keys.layout.entry_bytes;
      std::memcpy(val.mv_data, &entries[first], val.mv_size);
    }
    return drop_keys(keys.chunk, chunks, kWeightSlots);
  }

  // Deletes the meta keys name(n) for n from `first` up to the first one
  // missing (or `end`).
  Status drop_keys(std::string (*name)(std::size_t), std::size_t first, std::size_t end) {
    for (std::size_t n = first; n < end; ++n) {
      const std::string k = name(n);
      MDB_val key = as_val(k.data(), k.size());
      const int rc = mdb_del(txn_, dbis_.meta, &key, nullptr);
      if (rc == MDB_NOTFOUND) return ok();
      if (rc != 0) return lmdb_error("write weight table", rc);
    }
    return ok();
  }

  MDB_txn* txn_;
  Dbis dbis_;
  std::uint32_t format_ = 0;  // 0: not read yet
  std::vector<std::int16_t> table_;
  bool dirty_ = false;          // table_ changed in this transaction
  bool records_dirty_ = false;  // "tokens" changed: the copy is stale
};

class LmdbStore final : public TokenStore {
 public:
  explicit LmdbStore(MDB_env* env) : env_(env) {}
  ~LmdbStore() override { mdb_env_close(env_); }
  LmdbStore(const LmdbStore&) = delete;
  LmdbStore& operator=(const LmdbStore&) = delete;

  Status open_dbis(bool create) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, create ? 0 : MDB_RDONLY, &txn);
    if (rc != 0) return lmdb_error("begin", rc);
    const unsigned flags = create ? MDB_CREATE : 0;
    rc = mdb_dbi_open(txn, "tokens", flags | MDB_INTEGERKEY, &dbis_.tokens);
    if (rc == 0) rc = mdb_dbi_open(txn, "messages", flags, &dbis_.messages);
    if (rc == 0) rc = mdb_dbi_open(txn, "meta", flags, &dbis_.meta);
    if (rc != 0) {
      mdb_txn_abort(txn);
      return lmdb_error("open databases", rc);
    }
    rc = mdb_txn_commit(txn);  // makes the handles usable by later transactions
    if (rc != 0) return lmdb_error("open databases", rc);
    return ok();
  }

  Result<Snapshot> read(std::span<const std::uint64_t> keys, std::size_t counted) override {
    MDB_txn* txn = nullptr;
    const int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn);
    if (rc != 0) return lmdb_error("begin read", rc);
    auto snap = read_snapshot(txn, keys, counted);
    mdb_txn_abort(txn);
    return snap;
  }

  // The table is read in place: only the pages of the slots asked for
  // are touched.
  Result<Snapshot> read_snapshot(MDB_txn* txn, std::span<const std::uint64_t> keys,
                                 std::size_t counted) {
    auto format = read_format(txn, dbis_);
    if (!format) return tl::unexpected(format.error());
    // The totals alone (a delivery's first question, verdict.cpp): no
    // chunk list is read (their cursor walks were 17 K instructions).
    if (*format == kFormatPerKey || keys.empty()) return read_in(txn, dbis_, keys, keys.size(), {});
    // No weight-only key (a Fisher-alone scoring): the table is not read
    // (its index's last page would be touched for nothing).
    auto table =
        keys.size() > counted ? read_weights(txn, dbis_, *format) : Result<TableView>(TableView{});
    if (!table) return tl::unexpected(table.error());
    if (*format != kFormatSparse) return read_in(txn, dbis_, keys, counted, *table);
    auto copy = read_lookup(txn, dbis_);
    if (!copy) return tl::unexpected(copy.error());
    return read_in(txn, dbis_, keys, counted, *table, *copy);
  }

  Result<std::unique_ptr<StoreWriter>> write() override {
    MDB_txn* txn = nullptr;
    const int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc != 0) return lmdb_error("begin write", rc);
    return std::unique_ptr<StoreWriter>(std::make_unique<LmdbWriter>(txn, dbis_));
  }

 private:
  MDB_env* env_;
  Dbis dbis_;
};

// mkdir -p with mode 0700 (the store is private to its user): every
// missing component of dir is created.
Status make_dirs(const std::string& dir) {
  for (std::size_t pos = 1; pos != std::string::npos;) {
    pos = dir.find('/', pos + 1);
    const std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return fail_errno(ErrorKind::temporary, "spam store: mkdir " + prefix, errno);
  }
  return ok();
}

}  // namespace

Result<std::unique_ptr<TokenStore>> open_lmdb_store(const std::string& dir, StoreMode mode) {
  const bool writable = mode == StoreMode::read_write;
  struct stat st {};
  if (::stat((dir + "/data.mdb").c_str(), &st) != 0) {
    if (!writable) return fail(ErrorKind::data, "spam store: no store in " + dir);
    if (auto made = make_dirs(dir); !made) return tl::unexpected(made.error());
  }
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) return lmdb_error("create environment", rc);
  auto store = std::make_unique<LmdbStore>(env);  // closes env on every path below
  rc = mdb_env_set_mapsize(env, kMapSize);
  if (rc == 0) rc = mdb_env_set_maxdbs(env, 3);
  // MDB_NOTLS: a read transaction is not tied to a thread slot, so a
  // process's reads never exhaust the reader table.
  // Not MDB_NOLOCK for a read-only open, though it would save a delivery
  // the lock file (open, three fcntl, lseek, mmap, a page fault: ~10
  // system calls): a reader that takes no slot in the reader table is
  // invisible to writers, and LMDB's documentation of MDB_NOLOCK
  // (mdb_env_open, lmdb.h) asks the caller to "ensure that no readers are
  // using old transactions while a writer is active". `mailroom learn`
  // (and IMAP's junk learning) commit while deliveries read: once two
  // commits land during one delivery's read, the second may reuse the
  // pages of the snapshot it is reading (the free list holds back only
  // pages a registered reader may see), and it would read another
  // training's records, or follow a page number into garbage.
  if (rc == 0) rc = mdb_env_open(env, dir.c_str(), MDB_NOTLS | (writable ? 0U : MDB_RDONLY), 0600);
  if (rc != 0) return lmdb_error("open " + dir, rc);
  if (auto opened = store->open_dbis(writable); !opened) return tl::unexpected(opened.error());
  return std::unique_ptr<TokenStore>(std::move(store));
}

}  // namespace mailroom::spam
