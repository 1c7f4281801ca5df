// The Sieve response store (tracking_store.hpp): a record lives until it
// expires, survives reopening (one delivery to the next), lives under a
// parent that did not exist, and expired records are purged.
#include "deliver/tracking_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>

namespace mailroom::deliver {
namespace {

class TrackingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "tracking.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ + "/.mailroom/sieve-store";  // the parent is made too
  }
  void TearDown() override { (void)std::system(("rm -rf '" + root_ + "'").c_str()); }
  std::string root_;
  std::string dir_;
};

TEST_F(TrackingStoreTest, LivesUntilItExpires) {
  auto store = TrackingStore::open(dir_);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_FALSE(
      *store->live("vacation\x1fh\x1f"
                   "a@example.org",
                   1000));
  ASSERT_TRUE(
      store->put("vacation\x1fh\x1f"
                 "a@example.org",
                 1000 + 86400, 1000));
  EXPECT_TRUE(
      *store->live("vacation\x1fh\x1f"
                   "a@example.org",
                   1000));
  EXPECT_TRUE(
      *store->live("vacation\x1fh\x1f"
                   "a@example.org",
                   1000 + 86399));
  EXPECT_FALSE(
      *store->live("vacation\x1fh\x1f"
                   "a@example.org",
                   1000 + 86400));
  EXPECT_FALSE(
      *store->live("vacation\x1fh2\x1f"
                   "a@example.org",
                   1000));
  struct stat st {};
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);
}

TEST_F(TrackingStoreTest, SurvivesReopening) {
  const std::string long_key(2000, 'x');  // over LMDB's key limit: hashed
  {
    auto store = TrackingStore::open(dir_);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->put(long_key, 5000, 100));
  }
  auto again = TrackingStore::open(dir_);
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again->live(long_key, 200));
}

TEST_F(TrackingStoreTest, RenewingMovesTheExpiry) {
  auto store = TrackingStore::open(dir_);
  ASSERT_TRUE(store->put("k", 2000, 1000));
  ASSERT_TRUE(store->put("k", 9000, 1500));  // duplicate :last renews it
  EXPECT_TRUE(*store->live("k", 5000));
}

TEST_F(TrackingStoreTest, PurgesExpiredRecords) {
  auto store = TrackingStore::open(dir_);
  ASSERT_TRUE(store->put("old", 1100, 1000));
  ASSERT_TRUE(store->put("keep", 1000000, 1000));
  // Over an hour later the write purges: "old" is gone for good, even
  // for a reader with a clock before its expiry.
  ASSERT_TRUE(store->put("new", 1000000, 1000 + 7200));
  EXPECT_FALSE(*store->live("old", 0));
  EXPECT_TRUE(*store->live("keep", 0));
  EXPECT_TRUE(*store->live("new", 0));
}

TEST_F(TrackingStoreTest, UnusableDirectoryIsAnError) {
  ASSERT_EQ(::mkdir((root_ + "/file").c_str(), 0700), 0);
  ASSERT_EQ(::rmdir((root_ + "/file").c_str()), 0);
  ASSERT_EQ(std::system(("touch '" + root_ + "/file'").c_str()), 0);
  EXPECT_FALSE(TrackingStore::open(root_ + "/file/store"));
}

}  // namespace
}  // namespace mailroom::deliver
