// Raw LMDB access to a token store's databases, for the store tests: to
// write a store as an earlier format (or a damaged one) held it, and to
// look at what the store code wrote.
#pragma once

#include <gtest/gtest.h>
#include <lmdb.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace mailroom::spam::test {

struct RawLmdb {
  MDB_env* env = nullptr;
  MDB_txn* txn = nullptr;
  MDB_dbi tokens = 0, messages = 0, meta = 0;
  explicit RawLmdb(const std::string& dir) {
    std::filesystem::create_directories(dir);
    EXPECT_EQ(mdb_env_create(&env), 0);
    EXPECT_EQ(mdb_env_set_maxdbs(env, 3), 0);
    EXPECT_EQ(mdb_env_set_mapsize(env, std::size_t{1} << 30), 0);
    EXPECT_EQ(mdb_env_open(env, dir.c_str(), 0, 0600), 0);
    EXPECT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    EXPECT_EQ(mdb_dbi_open(txn, "tokens", MDB_CREATE | MDB_INTEGERKEY, &tokens), 0);
    EXPECT_EQ(mdb_dbi_open(txn, "messages", MDB_CREATE, &messages), 0);
    EXPECT_EQ(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
  }
  ~RawLmdb() {
    if (txn != nullptr) mdb_txn_abort(txn);
    mdb_env_close(env);
  }
  RawLmdb(const RawLmdb&) = delete;
  RawLmdb& operator=(const RawLmdb&) = delete;
  void put(MDB_dbi dbi, const void* key, std::size_t key_size, const void* val,
           std::size_t val_size) const {
    MDB_val k{key_size, const_cast<void*>(key)};  // NOLINT: LMDB's C API
    MDB_val v{val_size, const_cast<void*>(val)};  // NOLINT
    EXPECT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  }
  // The value of a meta key as LMDB maps it, or an empty view if absent.
  [[nodiscard]] std::string_view get(MDB_dbi dbi, std::string_view key) const {
    MDB_val k{key.size(), const_cast<char*>(key.data())};  // NOLINT: LMDB's C API
    MDB_val v;
    if (mdb_get(txn, dbi, &k, &v) != 0) return {};
    return {static_cast<const char*>(v.mv_data), v.mv_size};
  }
  void del(MDB_dbi dbi, std::string_view key) const {
    MDB_val k{key.size(), const_cast<char*>(key.data())};  // NOLINT: LMDB's C API
    EXPECT_EQ(mdb_del(txn, dbi, &k, nullptr), 0);
  }
  [[nodiscard]] std::size_t entries(MDB_dbi dbi) const {
    MDB_stat st{};
    EXPECT_EQ(mdb_stat(txn, dbi, &st), 0);
    return st.ms_entries;
  }
  void commit() {
    EXPECT_EQ(mdb_txn_commit(txn), 0);
    txn = nullptr;
  }
};

}  // namespace mailroom::spam::test
