#include "deliver/tracking_store.hpp"

#include <lmdb.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace mailroom::deliver {
namespace {

// Records are a few dozen bytes each; 64 MiB of address space holds
// about a million of them.
constexpr std::size_t kMapSize = std::size_t{64} << 20;
constexpr std::time_t kPurgeEvery = 3600;
constexpr std::string_view kPurgedKey = "meta:purged";

tl::unexpected<Error> lmdb_error(const std::string& what, int rc) {
  // A full disk or a busy reader table may pass: the caller degrades
  // (no reply, no duplicate) and the message is still delivered.
  return fail(ErrorKind::temporary, "sieve store: " + what + ": " + mdb_strerror(rc));
}

MDB_val as_val(const void* data, std::size_t size) {
  return MDB_val{size, const_cast<void*>(data)};  // NOLINT: LMDB's C API takes non-const
}

// Keys hold the handle and the sender or id: "r" and the key itself when
// it fits LMDB's 511-byte key limit, else "k" and its SHA-256. Exact keys
// keep the common case free of OpenSSL's start-up (0.7 ms of reading its
// configuration in a delivery that verified no signature).
constexpr std::size_t kMaxRawKey = 400;

std::string digest(std::string_view key) {
  if (key.size() <= kMaxRawKey) return "r" + std::string(key);
  std::string out(1 + SHA256_DIGEST_LENGTH, 'k');
  ::SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(),
           reinterpret_cast<unsigned char*>(out.data() + 1));
  return out;
}

std::int64_t read_time(const MDB_val& val) {
  std::int64_t value = 0;
  if (val.mv_size == sizeof value) std::memcpy(&value, val.mv_data, sizeof value);
  return value;
}

Status put_time(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::int64_t value) {
  MDB_val k = as_val(key.data(), key.size());
  MDB_val v = as_val(&value, sizeof value);
  if (int rc = mdb_put(txn, dbi, &k, &v, 0); rc != 0) return lmdb_error("write", rc);
  return ok();
}

// Drops the records expired at `now` (not the meta record).
Status purge(MDB_txn* txn, MDB_dbi dbi, std::time_t now) {
  MDB_cursor* cursor = nullptr;
  if (int rc = mdb_cursor_open(txn, dbi, &cursor); rc != 0) return lmdb_error("cursor", rc);
  MDB_val key;
  MDB_val val;
  int rc = mdb_cursor_get(cursor, &key, &val, MDB_FIRST);
  while (rc == 0) {
    bool meta = key.mv_size > 0 && static_cast<const char*>(key.mv_data)[0] == 'm';
    if (!meta && read_time(val) <= now) {
      if (int del = mdb_cursor_del(cursor, 0); del != 0) {
        mdb_cursor_close(cursor);
        return lmdb_error("purge", del);
      }
    }
    rc = mdb_cursor_get(cursor, &key, &val, MDB_NEXT);
  }
  mdb_cursor_close(cursor);
  if (rc != MDB_NOTFOUND) return lmdb_error("purge", rc);
  return ok();
}

// mkdir -p, each missing component 0700 (the store is the user's alone;
// ~/.mailroom may not exist yet).
Status make_dirs(const std::string& directory) {
  for (std::size_t pos = 1; pos != std::string::npos;) {
    pos = directory.find('/', pos + 1);
    const std::string prefix = directory.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return fail_errno(ErrorKind::temporary, "sieve store: mkdir " + prefix, errno);
  }
  return ok();
}

}  // namespace

struct TrackingStore::Env {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;
  ~Env() {
    if (env != nullptr) mdb_env_close(env);
  }
};

Result<TrackingStore> TrackingStore::open(const std::string& directory) {
  if (auto made = make_dirs(directory); !made) return tl::unexpected(made.error());
  auto env = std::make_shared<Env>();
  int rc = mdb_env_create(&env->env);
  if (rc != 0) return lmdb_error("create environment", rc);
  rc = mdb_env_set_mapsize(env->env, kMapSize);
  // MDB_NOMETASYNC: one fsync per write, not two. A crash may lose the
  // last record (one more reply, one duplicate missed), never the store.
  if (rc == 0) rc = mdb_env_open(env->env, directory.c_str(), MDB_NOTLS | MDB_NOMETASYNC, 0600);
  if (rc != 0) return lmdb_error("open " + directory, rc);
  // The unnamed database always exists: a read transaction opens it, so a
  // delivery that only reads the store writes (and syncs) nothing.
  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(env->env, nullptr, MDB_RDONLY, &txn);
  if (rc == 0) rc = mdb_dbi_open(txn, nullptr, 0, &env->dbi);
  if (rc == 0) {
    rc = mdb_txn_commit(txn);  // keeps the handle for later transactions
  } else if (txn != nullptr) {
    mdb_txn_abort(txn);
  }
  if (rc != 0) return lmdb_error("open database", rc);
  return TrackingStore(std::move(env));
}

Result<bool> TrackingStore::live(std::string_view key, std::time_t now) const {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_->env, nullptr, MDB_RDONLY, &txn);
  if (rc != 0) return lmdb_error("begin read", rc);
  std::string hashed = digest(key);
  MDB_val k = as_val(hashed.data(), hashed.size());
  MDB_val v;
  rc = mdb_get(txn, env_->dbi, &k, &v);
  bool found = rc == 0 && read_time(v) > now;
  mdb_txn_abort(txn);
  if (rc != 0 && rc != MDB_NOTFOUND) return lmdb_error("read", rc);
  return found;
}

Status TrackingStore::put(std::string_view key, std::time_t expires, std::time_t now) {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_->env, nullptr, 0, &txn);
  if (rc != 0) return lmdb_error("begin write", rc);
  auto done = put_time(txn, env_->dbi, digest(key), expires);
  MDB_val k = as_val(kPurgedKey.data(), kPurgedKey.size());
  MDB_val v;
  bool due = mdb_get(txn, env_->dbi, &k, &v) != 0 || read_time(v) + kPurgeEvery <= now;
  if (done && due) done = purge(txn, env_->dbi, now);
  if (done && due) done = put_time(txn, env_->dbi, kPurgedKey, now);
  if (!done) {
    mdb_txn_abort(txn);
    return done;
  }
  if (rc = mdb_txn_commit(txn); rc != 0) return lmdb_error("commit", rc);
  return ok();
}

}  // namespace mailroom::deliver
