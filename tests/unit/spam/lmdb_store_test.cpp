// The LMDB store: persistence across opens, isolation of an uncommitted
// writer, and a writer killed mid-transaction (a crash during training)
// leaving the last committed state usable.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "mailroom/spam/store.hpp"
#include "store_dir.hpp"

namespace mailroom::spam {
namespace {

class LmdbStoreTest : public test::StoreDirTest {
 protected:
  static void put(TokenStore& store, std::uint64_t key, TokenRecord r, Totals t, bool commit) {
    auto writer = store.write();
    ASSERT_TRUE(writer.has_value());
    const std::vector<std::uint64_t> keys{key};
    const std::vector<TokenRecord> records{r};
    ASSERT_TRUE((*writer)->put(keys, keys.size(), records, t).has_value());
    if (commit) ASSERT_TRUE((*writer)->commit().has_value());
  }
};

TEST_F(LmdbStoreTest, MissingStoreFailsReadOnly) {
  auto store = open_lmdb_store(dir_, StoreMode::read_only);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().kind, ErrorKind::data);
}

TEST_F(LmdbStoreTest, CommittedWritesPersistAcrossOpens) {
  {
    auto store = open(StoreMode::read_write);
    put(*store, 42, TokenRecord{3, 1, 0.5F}, Totals{7, 9, -0.25F, 5, 2, 4}, true);
    Digest d{};
    d[0] = 1;
    auto writer = store->write();
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE((*writer)->set_message_class(d, MessageClass::spam).has_value());
    ASSERT_TRUE((*writer)->commit().has_value());
  }
  auto store = open(StoreMode::read_only);
  const std::vector<std::uint64_t> keys{42, 43};
  auto snap = store->read(keys, keys.size());
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->totals.spam, 7U);
  EXPECT_EQ(snap->totals.ham, 9U);
  EXPECT_FLOAT_EQ(snap->totals.bias, -0.25F);
  EXPECT_EQ(snap->totals.switches, 5U);
  EXPECT_EQ(snap->totals.last_class, 2U);
  EXPECT_EQ(snap->totals.corrections, 4U);
  EXPECT_EQ(snap->records[0].spam, 3U);
  EXPECT_EQ(snap->records[0].ham, 1U);
  EXPECT_FLOAT_EQ(snap->records[0].weight, 0.5F);
  EXPECT_EQ(snap->records[1].spam, 0U);  // never learnt: zero record
}

TEST_F(LmdbStoreTest, UncommittedWriterIsInvisibleAndReadersDoNotWait) {
  auto store = open(StoreMode::read_write);
  put(*store, 1, TokenRecord{1, 0, 0}, Totals{1, 0, 0}, true);
  auto writer = store->write();
  ASSERT_TRUE(writer.has_value());
  const std::vector<std::uint64_t> keys{1};
  const std::vector<TokenRecord> records{TokenRecord{5, 5, 0}};
  ASSERT_TRUE((*writer)->put(keys, keys.size(), records, Totals{5, 5, 0}).has_value());
  // A second process (deliver) reads while the writer holds its transaction.
  auto reader = open(StoreMode::read_only);
  auto snap = reader->read(keys, keys.size());
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->records[0].spam, 1U);
  writer->reset();  // destroyed uncommitted: aborted
  snap = store->read(keys, keys.size());
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->totals.spam, 1U);
}

TEST_F(LmdbStoreTest, WriterKilledMidTransactionLeavesTheLastCommit) {
  {
    auto store = open(StoreMode::read_write);
    put(*store, 7, TokenRecord{2, 0, 0}, Totals{2, 0, 0}, true);
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = open_lmdb_store(dir_, StoreMode::read_write);
    if (!store) ::_exit(2);
    auto writer = (*store)->write();
    if (!writer) ::_exit(3);
    for (std::uint64_t k = 0; k < 100000; ++k) {
      const std::vector<std::uint64_t> keys{k};
      const std::vector<TokenRecord> records{TokenRecord{9, 9, 1}};
      if (!(*writer)->put(keys, keys.size(), records, Totals{9, 9, 0})) ::_exit(4);
    }
    ::kill(::getpid(), SIGKILL);  // the crash: no commit, no destructors
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited " << WEXITSTATUS(status);
  auto store = open(StoreMode::read_write);  // usable: the stale writer lock is released
  const std::vector<std::uint64_t> keys{7, 8};
  auto snap = store->read(keys, keys.size());
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->totals.spam, 2U);
  EXPECT_EQ(snap->records[0].spam, 2U);
  EXPECT_EQ(snap->records[1].spam, 0U);
  put(*store, 8, TokenRecord{1, 0, 0}, Totals{3, 0, 0}, true);  // and writable
}

}  // namespace
}  // namespace mailroom::spam
