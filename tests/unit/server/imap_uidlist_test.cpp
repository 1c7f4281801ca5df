// The UID store (server/imap/uidlist.hpp): the file format, the merge with
// what is in the folder, and the sync on a real directory, including a
// delivery between two syncs and a damaged list.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "server/imap/sequence.hpp"
#include "server/imap/uidlist.hpp"

namespace mailroom::server::imap {
namespace {

TEST(ImapUidList, FormatAndParseRoundTrip) {
  UidList list{1700000000, 5, {{1, "1700000000.M1P1Q1.host"}, {4, "1700000001.M2P1Q1.host"}}};
  auto text = format_uidlist(list);
  EXPECT_EQ(
      text,
      "mailroom-uidlist 1 1700000000 5\n1 1700000000.M1P1Q1.host\n4 1700000001.M2P1Q1.host\n");
  auto parsed = parse_uidlist(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->validity, 1700000000U);
  EXPECT_EQ(parsed->next, 5U);
  ASSERT_EQ(parsed->entries.size(), 2U);
  EXPECT_EQ(parsed->entries[1].uid, 4U);
}

TEST(ImapUidList, RefusesDamagedFiles) {
  const char* bad[] = {
      "",
      "dovecot-uidlist 1 2\n",
      "mailroom-uidlist 1 0 5\n",            // UIDVALIDITY 0
      "mailroom-uidlist 1 7 5\n3 a\n2 b\n",  // not ascending
      "mailroom-uidlist 1 7 5\n5 a\n",       // a UID at or past the next
      "mailroom-uidlist 1 7 5\n1 a:2,S\n",   // a file name, not a unique name
      "mailroom-uidlist 1 7 5\n1 ../x\n",
      "mailroom-uidlist 1 7 5\n1 a",  // torn last line
  };
  for (const char* text : bad) EXPECT_FALSE(parse_uidlist(text)) << text;
}

TEST(ImapUidList, MergeKeepsUidsAndNumbersNewMessagesInDeliveryOrder) {
  UidList list{7, 3, {{1, "100.a"}, {2, "200.b"}}};
  // 200.b expunged; 99999.c and 1000.d delivered (1000 before 99999, though
  // "99999" sorts after "1000" as text only by chance of length).
  EXPECT_TRUE(merge_uidlist(list, {"100.a", "99999.c", "1000.d"}));
  ASSERT_EQ(list.entries.size(), 3U);
  EXPECT_EQ(list.entries[0].uid, 1U);
  EXPECT_EQ(list.entries[1].unique, "1000.d");
  EXPECT_EQ(list.entries[1].uid, 3U);
  EXPECT_EQ(list.entries[2].unique, "99999.c");
  EXPECT_EQ(list.entries[2].uid, 4U);
  EXPECT_EQ(list.next, 5U);
  EXPECT_FALSE(merge_uidlist(list, {"99999.c", "1000.d", "100.a"}));  // nothing new
  EXPECT_TRUE(delivered_before("9.x", "10.x"));
  // Same second: microseconds as numbers (M99 before M100).
  EXPECT_TRUE(delivered_before("1796630770.M99P5Q0.vm", "1796630770.M100P4Q0.vm"));
  EXPECT_FALSE(delivered_before("1796630770.M100P4Q0.vm", "1796630770.M99P5Q0.vm"));
}

class UidDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mailroom-uidlist-XXXXXX";
    root_ = ::mkdtemp(pattern);
    for (const char* sub : {"new", "cur", "tmp"}) std::filesystem::create_directory(root_ / sub);
    fd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY);
  }
  void TearDown() override {
    ::close(fd_);
    std::filesystem::remove_all(root_);
  }
  void put(const std::string& relative) { std::ofstream(root_ / relative) << "Subject: x\n\nx\n"; }
  std::filesystem::path root_;
  int fd_ = -1;
};

TEST_F(UidDir, SyncIsStableAcrossDeliveriesAndFlagChanges) {
  put("new/100.M1P1.host");
  put("cur/50.M1P1.host:2,S");
  auto first = sync_uidlist(fd_, 1234);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->list.validity, 1234U);
  ASSERT_EQ(first->list.entries.size(), 2U);
  EXPECT_EQ(first->list.entries[0].unique, "50.M1P1.host");  // delivered first
  // A flag change and a move to cur/ keep the UID; a delivery gets UID 3.
  std::filesystem::rename(root_ / "new/100.M1P1.host", root_ / "cur/100.M1P1.host:2,FS");
  put("new/200.M1P1.host");
  auto second = sync_uidlist(fd_, 9999);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->list.validity, 1234U);  // the stored one, not the fresh one
  ASSERT_EQ(second->list.entries.size(), 3U);
  EXPECT_EQ(second->list.entries[1].unique, "100.M1P1.host");
  EXPECT_EQ(second->list.entries[1].uid, 2U);
  EXPECT_EQ(second->list.entries[2].uid, 3U);
  // An expunged message's UID is never given again.
  std::filesystem::remove(root_ / "new/200.M1P1.host");
  put("new/300.M1P1.host");
  auto third = sync_uidlist(fd_, 9999);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->list.entries.back().uid, 4U);
  EXPECT_EQ(third->list.next, 5U);
  // Only mailroom's own file is written: no dovecot-uidlist, no courier file.
  EXPECT_TRUE(std::filesystem::exists(root_ / "mailroom-uidlist"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "dovecot-uidlist"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "courierimapuiddb"));
}

TEST_F(UidDir, DamagedListGetsANewValidity) {
  put("cur/50.M1P1.host:2,S");
  ASSERT_TRUE(sync_uidlist(fd_, 1234));
  std::ofstream(root_ / "mailroom-uidlist") << "mailroom-uidlist 1 1234 2\n1 50.M1";  // torn
  auto again = sync_uidlist(fd_, 1000);  // the clock went back, too
  ASSERT_TRUE(again);
  EXPECT_EQ(again->list.validity, 1235U);  // never the old UIDVALIDITY with new UIDs
}

TEST(ImapSequence, ParsesSetsAndStar) {
  auto set = parse_sequence_set("1:3,7,9:*", 12);
  ASSERT_TRUE(set);
  for (std::uint32_t n : {1U, 2U, 3U, 7U, 9U, 12U}) EXPECT_TRUE(set->contains(n)) << n;
  for (std::uint32_t n : {4U, 8U, 13U}) EXPECT_FALSE(set->contains(n)) << n;
  set = parse_sequence_set("5:2", 10);
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->contains(3));
  for (const char* bad : {"", "0", "1:", ":2", "a", "1,,2", "1:2:3", "-1", "99999999999"})
    EXPECT_FALSE(parse_sequence_set(bad, 10)) << bad;
  EXPECT_EQ(format_sequence_set({5, 1, 2, 3, 9}), "1:3,5,9");
}

}  // namespace
}  // namespace mailroom::server::imap
