// The LMDB token store (store.hpp). Three named databases in one
// environment: "tokens" (8-byte key -> 12-byte TokenRecord), "messages"
// (32-byte digest -> 1-byte class) and "meta" ("totals" -> Totals,
// "format" -> 4-byte version, "weights.<n>" -> chunk n of the hashed
// weight table: LMDB keeps a large value on consecutive overflow pages, so
// a reader reads its slots in place in the map).
// Values are stored in host byte order: a store is local to its machine
// (the shared store for several hosts is Redis).
#include <lmdb.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "mailroom/spam/store.hpp"

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
// `counted` keep their weight in the table.
constexpr std::uint32_t kFormatPerKey = 1;
constexpr std::uint32_t kFormatHashed = 2;
// The table is kept in 64 KB chunks, one value each: every commit writes
// the chunks anew (copy-on-write), and LMDB reuses freed runs of 16 pages
// readily, where one 16 MB value needed 4,096 free pages in a row and grew
// the file instead (2^22 float slots in one value: a 118 MB store).
constexpr std::size_t kChunkSlots = std::size_t{1} << 15;
constexpr std::size_t kChunks = kWeightSlots / kChunkSlots;
constexpr std::size_t kChunkBytes = kChunkSlots * sizeof(std::int16_t);
static_assert(kWeightSlots % kChunkSlots == 0);

std::string chunk_key(std::size_t n) { return "weights." + std::to_string(n); }

// A weight table's chunks: mapped by LMDB (a reader) or the writer's copy;
// a chunk never written reads as all weights 0.
struct TableView {
  std::vector<const unsigned char*> chunks;
  [[nodiscard]] float at(std::size_t slot) const noexcept {
    std::int16_t units = 0;
    const std::size_t n = slot / kChunkSlots;
    if (n < chunks.size() && chunks[n] != nullptr)
      std::memcpy(&units, chunks[n] + (slot % kChunkSlots) * sizeof units, sizeof units);
    return weight_of(units);
  }
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
// written before formats were kept) and 2 when it is new.
Result<std::uint32_t> read_format(MDB_txn* txn, const Dbis& dbis) {
  MDB_val key = as_val(kFormatKey.data(), kFormatKey.size());
  MDB_val val;
  int rc = mdb_get(txn, dbis.meta, &key, &val);
  if (rc == 0) {
    std::uint32_t format = 0;
    if (val.mv_size == sizeof format) std::memcpy(&format, val.mv_data, sizeof format);
    if (format == kFormatPerKey || format == kFormatHashed) return format;
    return fail(ErrorKind::temporary, "spam store: format " + std::to_string(format) +
                                          " is not one this mailroom reads (1 or 2)");
  }
  if (rc != MDB_NOTFOUND) return lmdb_error("read format", rc);
  MDB_stat st{};
  rc = mdb_stat(txn, dbis.tokens, &st);
  if (rc != 0) return lmdb_error("stat tokens", rc);
  return st.ms_entries == 0 ? kFormatHashed : kFormatPerKey;
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

// Keys before `counted` (all of them in format 1: table.bytes unused) are
// looked up one by one; the rest read their slot of the table.
Result<Snapshot> read_in(MDB_txn* txn, const Dbis& dbis, std::span<const std::uint64_t> keys,
                         std::size_t counted, const TableView& table) {
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
        dirty_[weight_slot(keys[i]) / kChunkSlots] = true;
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
  // Whether the store is format 2; if so the table is copied into table_
  // (once per transaction: 8 MB, a few ms) for reads and writes.
  Result<bool> load_table() {
    if (format_ == 0) {
      auto format = read_format(txn_, dbis_);
      if (!format) return tl::unexpected(format.error());
      format_ = *format;
    }
    if (format_ != kFormatHashed) return false;
    if (!table_.empty()) return true;
    auto stored = read_table(txn_, dbis_);
    if (!stored) return tl::unexpected(stored.error());
    table_.resize(kWeightSlots);
    dirty_.assign(kChunks, false);
    for (std::size_t i = 0; i < kWeightSlots; ++i) table_[i] = quantize_weight(stored->at(i));
    return true;
  }

  // The changed chunks written (MDB_RESERVE: LMDB gives the space, one
  // copy), with the format, in the transaction being committed.
  Status save_table() {
    if (std::find(dirty_.begin(), dirty_.end(), true) == dirty_.end()) return ok();
    for (std::size_t n = 0; n < kChunks; ++n) {
      if (!dirty_[n]) continue;
      const std::string name = chunk_key(n);
      MDB_val key = as_val(name.data(), name.size());
      MDB_val val{kChunkBytes, nullptr};
      const int rc = mdb_put(txn_, dbis_.meta, &key, &val, MDB_RESERVE);
      if (rc != 0) return lmdb_error("write weight table", rc);
      std::memcpy(val.mv_data, &table_[n * kChunkSlots], kChunkBytes);
      dirty_[n] = false;
    }
    MDB_val format_key = as_val(kFormatKey.data(), kFormatKey.size());
    MDB_val format_val = as_val(&format_, sizeof format_);
    const int rc = mdb_put(txn_, dbis_.meta, &format_key, &format_val, 0);
    if (rc != 0) return lmdb_error("write format", rc);
    return ok();
  }

  MDB_txn* txn_;
  Dbis dbis_;
  std::uint32_t format_ = 0;  // 0: not read yet
  std::vector<std::int16_t> table_;
  std::vector<bool> dirty_;  // per chunk: changed in this transaction
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
    if (*format != kFormatHashed) return read_in(txn, dbis_, keys, keys.size(), {});
    auto table = read_table(txn, dbis_);
    if (!table) return tl::unexpected(table.error());
    return read_in(txn, dbis_, keys, counted, *table);
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
  if (rc == 0) rc = mdb_env_open(env, dir.c_str(), MDB_NOTLS | (writable ? 0U : MDB_RDONLY), 0600);
  if (rc != 0) return lmdb_error("open " + dir, rc);
  if (auto opened = store->open_dbis(writable); !opened) return tl::unexpected(opened.error());
  return std::unique_ptr<TokenStore>(std::move(store));
}

}  // namespace mailroom::spam
