// The TRANSACTION and UPDATE states over a real Maildir in a temporary
// directory.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "server/pop3/transaction.hpp"

namespace mailroom::server::pop3 {
namespace {

namespace fs = std::filesystem;

class Pop3Transaction : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pop3-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    for (const char* sub : {"new", "cur", "tmp"}) fs::create_directory(root_ / sub);
    put("new/1000.M1P1.host,S=30", "Subject: one\n\n.dot\nline 2\n");
    put("cur/1001.M2P2.host,S=20:2,S", "Subject: two\n\nbody\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  void put(const std::string& rel, const std::string& text) {
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  std::string run(Transaction& t, std::string_view line) {
    bool done = false;
    return t.handle(line, done);
  }
  fs::path root_;
};

TEST_F(Pop3Transaction, ListsSizesAsSentAndStableIds) {
  auto drop = Maildrop::open(root_.string());
  ASSERT_TRUE(drop) << drop.error().message;
  Transaction t(*drop);
  // "Subject: one\n\n.dot\nline 2\n" is 26 octets, 30 with CRLF; the other 19 and 22.
  EXPECT_EQ(t.greeting(), "+OK maildrop has 2 messages (52 octets)\r\n");
  EXPECT_EQ(run(t, "STAT"), "+OK 2 52\r\n");
  EXPECT_EQ(run(t, "LIST"), "+OK\r\n1 30\r\n2 22\r\n.\r\n");
  EXPECT_EQ(run(t, "UIDL"), "+OK\r\n1 1000.M1P1.host,S=30\r\n2 1001.M2P2.host,S=20\r\n.\r\n");
  EXPECT_EQ(run(t, "RETR 1"), "+OK 30 octets\r\nSubject: one\r\n\r\n..dot\r\nline 2\r\n.\r\n");
  EXPECT_EQ(run(t, "TOP 1 1"), "+OK 30 octets\r\nSubject: one\r\n\r\n..dot\r\n.\r\n");
  EXPECT_EQ(run(t, "RETR 3"), "-ERR no such message\r\n");
  EXPECT_EQ(run(t, "USER x"), "-ERR not in the TRANSACTION state\r\n");
}

TEST_F(Pop3Transaction, DeleIsAppliedOnlyByQuit) {
  {
    auto drop = Maildrop::open(root_.string());
    ASSERT_TRUE(drop);
    Transaction t(*drop);
    EXPECT_EQ(run(t, "DELE 1"), "+OK marked for deletion\r\n");
    EXPECT_EQ(run(t, "DELE 1"), "-ERR no such message\r\n");
    EXPECT_EQ(run(t, "STAT"), "+OK 1 22\r\n");
    EXPECT_EQ(run(t, "LIST 1"), "-ERR no such message\r\n");
    // no QUIT: the session ends here
  }
  EXPECT_TRUE(fs::exists(root_ / "new/1000.M1P1.host,S=30"));
  auto drop = Maildrop::open(root_.string());
  ASSERT_TRUE(drop);
  Transaction t(*drop);
  EXPECT_EQ(run(t, "DELE 2"), "+OK marked for deletion\r\n");
  EXPECT_EQ(run(t, "RSET"), "+OK\r\n");
  EXPECT_EQ(run(t, "DELE 1"), "+OK marked for deletion\r\n");
  // Another client flags the message meanwhile: it moves to cur/.
  fs::rename(root_ / "new/1000.M1P1.host,S=30", root_ / "cur/1000.M1P1.host,S=30:2,F");
  bool done = false;
  EXPECT_EQ(t.handle("QUIT", done), "+OK bye\r\n");
  EXPECT_TRUE(done);
  EXPECT_FALSE(fs::exists(root_ / "cur/1000.M1P1.host,S=30:2,F"));
  EXPECT_TRUE(fs::exists(root_ / "cur/1001.M2P2.host,S=20:2,S"));
}

TEST_F(Pop3Transaction, SymlinksAndDotFilesAreNotServed) {
  fs::create_symlink("/etc/passwd", root_ / "new/1002.M3P3.host");
  put("new/.hidden", "x\n");
  auto drop = Maildrop::open(root_.string());
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->messages().size(), 2U);
}

TEST_F(Pop3Transaction, LongForeignNamesGetAHashedId) {
  put("new/" + std::string(100, 'n'), "A: b\n\nc\n");
  auto drop = Maildrop::open(root_.string());
  ASSERT_TRUE(drop);
  for (const auto& m : drop->messages()) {
    EXPECT_LE(m.uidl.size(), 70U);
    EXPECT_FALSE(m.uidl.empty());
  }
}

}  // namespace
}  // namespace mailroom::server::pop3
