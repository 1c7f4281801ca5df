/* The token store's cost in a fresh process (issue 14: one process per
 * message), LMDB beside SQLite, both linked statically like mailroom.
 *   store_open lmdb|sqlite create DIR N     N records of 8-byte key, 12-byte value
 *   store_open lmdb|sqlite lookup DIR K     open, K random lookups, close
 * lookup prints "open_us lookup_us minflt majflt" for that one process, so
 * bench/spam-eval/store-compare can run it many times and take medians.
 * Keys are 0..N-1 multiplied by an odd constant: every lookup hits a record
 * when K keys are drawn from 0..N-1 (a message's tokens are mostly known). */
#include <lmdb.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static uint64_t key_of(uint64_t i) { return i * 0x9E3779B97F4A7C15ULL; }

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char* what, int rc) {
  fprintf(stderr, "store_open: %s failed (%d)\n", what, rc);
  exit(1);
}

static MDB_env* lmdb_open(const char* dir, int readonly) {
  MDB_env* env;
  int rc = mdb_env_create(&env);
  if (rc) die("mdb_env_create", rc);
  mdb_env_set_mapsize(env, (size_t)1 << 30);
  rc = mdb_env_open(env, dir, readonly ? MDB_RDONLY : 0, 0600);
  if (rc) die("mdb_env_open", rc);
  return env;
}

static void lmdb_create(const char* dir, uint64_t n) {
  MDB_env* env = lmdb_open(dir, 0);
  MDB_txn* txn;
  MDB_dbi dbi;
  mdb_txn_begin(env, NULL, 0, &txn);
  mdb_dbi_open(txn, NULL, 0, &dbi);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k = key_of(i);
    uint32_t v[3] = {(uint32_t)i, (uint32_t)(i / 2), 0};
    MDB_val key = {sizeof k, &k}, val = {sizeof v, v};
    int rc = mdb_put(txn, dbi, &key, &val, 0);
    if (rc) die("mdb_put", rc);
  }
  if (mdb_txn_commit(txn)) die("mdb_txn_commit", 0);
  mdb_env_close(env);
}

static uint64_t lmdb_lookup(const char* dir, uint64_t n, int k, double* open_us) {
  double t0 = now_us();
  MDB_env* env = lmdb_open(dir, 1);
  MDB_txn* txn;
  MDB_dbi dbi;
  mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
  mdb_dbi_open(txn, NULL, 0, &dbi);
  *open_us = now_us() - t0;
  uint64_t found = 0;
  for (int i = 0; i < k; ++i) {
    uint64_t key_v = key_of((uint64_t)rand() % n);
    MDB_val key = {sizeof key_v, &key_v}, val;
    if (mdb_get(txn, dbi, &key, &val) == 0) ++found;
  }
  mdb_txn_abort(txn);
  mdb_env_close(env);
  return found;
}

static sqlite3* sqlite_open(const char* dir, int readonly) {
  char path[4096];
  snprintf(path, sizeof path, "%s/tokens.sqlite", dir);
  sqlite3* db;
  int rc = sqlite3_open_v2(path, &db,
                           readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           NULL);
  if (rc) die("sqlite3_open_v2", rc);
  return db;
}

static void sqlite_create(const char* dir, uint64_t n) {
  sqlite3* db = sqlite_open(dir, 0);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(k INTEGER PRIMARY KEY, s, h, w) WITHOUT ROWID; BEGIN",
               NULL, NULL, NULL);
  sqlite3_stmt* st;
  sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?,?,?,?)", -1, &st, NULL);
  for (uint64_t i = 0; i < n; ++i) {
    sqlite3_bind_int64(st, 1, (sqlite3_int64)key_of(i));
    sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)(i / 2));
    sqlite3_bind_double(st, 4, 0.0);
    if (sqlite3_step(st) != SQLITE_DONE) die("sqlite insert", 0);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close(db);
}

static uint64_t sqlite_lookup(const char* dir, uint64_t n, int k, double* open_us) {
  double t0 = now_us();
  sqlite3* db = sqlite_open(dir, 1);
  sqlite3_stmt* st;
  if (sqlite3_prepare_v2(db, "SELECT s,h,w FROM t WHERE k=?", -1, &st, NULL)) die("prepare", 0);
  sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
  *open_us = now_us() - t0;
  uint64_t found = 0;
  for (int i = 0; i < k; ++i) {
    sqlite3_bind_int64(st, 1, (sqlite3_int64)key_of((uint64_t)rand() % n));
    if (sqlite3_step(st) == SQLITE_ROW) ++found;
    sqlite3_reset(st);
  }
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return found;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: store_open lmdb|sqlite create|lookup DIR N|K\n");
    return 64;
  }
  int lmdb = strcmp(argv[1], "lmdb") == 0;
  const char* dir = argv[3];
  uint64_t count = strtoull(argv[4], NULL, 10);
  if (strcmp(argv[2], "create") == 0) {
    if (lmdb) lmdb_create(dir, count); else sqlite_create(dir, count);
    return 0;
  }
  /* The store holds N records; K lookups drawn from the first N keys. */
  uint64_t n = strtoull(getenv("STORE_RECORDS") ? getenv("STORE_RECORDS") : "300000", NULL, 10);
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  srand((unsigned)time(NULL) ^ (unsigned)getpid());
  double open_us = 0;
  double t0 = now_us();
  uint64_t found = lmdb ? lmdb_lookup(dir, n, (int)count, &open_us)
                        : sqlite_lookup(dir, n, (int)count, &open_us);
  double total_us = now_us() - t0;
  getrusage(RUSAGE_SELF, &after);
  if (found != count) die("lookup found fewer", (int)found);
  printf("%.1f %.1f %ld %ld\n", open_us, total_us - open_us, after.ru_minflt - before.ru_minflt,
         after.ru_majflt - before.ru_majflt);
  return 0;
}
