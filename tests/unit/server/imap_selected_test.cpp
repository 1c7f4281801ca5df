// The selected folder (server/imap/selected.hpp): CRLF conversion, the
// packed file names, and the sync that skips the scan while new/ and cur/
// keep their mtimes (what keeps 500 IDLE sessions from rescanning a large
// folder twice a second each).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mailroom/maildir/maildir.hpp"
#include "server/imap/selected.hpp"
#include "unit/server/selected_inbox.hpp"

namespace mailroom::server::imap {
namespace {

namespace fs = std::filesystem;

TEST(ImapSelected, ToCrlfAddsCrOnlyWhereMissing) {
  EXPECT_EQ(to_crlf(""), "");
  EXPECT_EQ(to_crlf("\n"), "\r\n");
  EXPECT_EQ(to_crlf("no line end"), "no line end");
  EXPECT_EQ(to_crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
  EXPECT_EQ(to_crlf("\r\n\n\r"), "\r\n\r\n\r");
  std::string long_text;
  for (int i = 0; i < 1000; ++i) long_text += "line " + std::to_string(i) + "\n";
  std::string want;
  for (int i = 0; i < 1000; ++i) want += "line " + std::to_string(i) + "\r\n";
  EXPECT_EQ(to_crlf(long_text), want);
}

// The conversion scans 16 octets at a time: every mix of CR, LF and other
// octets, at every position around a block's edges, against one octet at a
// time.
TEST(ImapSelected, ToCrlfAtEveryBlockEdge) {
  auto one_at_a_time = [](std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
      out += text[i];
    }
    return out;
  };
  std::uint32_t state = 2026;
  for (int round = 0; round < 20000; ++round) {
    state = state * 1664525 + 1013904223;  // a fixed sequence: the test repeats exactly
    std::string text(state % 70, 'x');
    for (auto& c : text) {
      state = state * 1664525 + 1013904223;
      c = "\r\nab\n"[(state >> 24) % 5];
    }
    ASSERT_EQ(to_crlf(text), one_at_a_time(text)) << round;
    ASSERT_EQ(crlf_size(text), one_at_a_time(text).size()) << round;
    std::string appended = "head";
    append_crlf(appended, text);
    ASSERT_EQ(appended, "head" + one_at_a_time(text)) << round;
  }
}

TEST(ImapSelected, NameArenaKeepsEveryNameInPlace) {
  NameArena arena;
  std::vector<std::string_view> kept;
  for (int i = 0; i < 10000; ++i)
    kept.push_back(arena.keep("1765100000.M" + std::to_string(i) + "P1Q1.host,S=4100:2,S"));
  const std::string big(100000, 'x');  // longer than a block
  auto big_view = arena.keep(big);
  for (int i = 0; i < 10000; ++i)
    ASSERT_EQ(kept[static_cast<std::size_t>(i)],
              "1765100000.M" + std::to_string(i) + "P1Q1.host,S=4100:2,S");
  EXPECT_EQ(big_view, big);
  FileRef ref(true, kept[7]);
  EXPECT_EQ(ref.unique(), "1765100000.M7P1Q1.host,S=4100");
  EXPECT_EQ(ref.flags(), "S");
}

class ImapSelectedSync : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mailroom-selected-XXXXXX";
    root_ = ::mkdtemp(pattern);
    for (const char* sub : {"tmp", "new", "cur"}) fs::create_directories(root_ / sub);
    for (int i = 1; i <= 3; ++i)
      std::ofstream(root_ / "cur" / ("170000000" + std::to_string(i) + ".M1P1Q1.host:2,")) << "x\n";
    age_directories();
  }
  void TearDown() override { fs::remove_all(root_); }

  // new/ and cur/ ten seconds old: past the settling time, so trusted.
  void age_directories() {
    timespec old[2] = {{::time(nullptr) - 10, 0}, {::time(nullptr) - 10, 0}};
    for (const char* sub : {"new", "cur"}) ::utimensat(AT_FDCWD, (root_ / sub).c_str(), old, 0);
  }

  Selected open() { return select_inbox(root_, maildir_); }

  fs::path root_;
  std::optional<maildir::Maildir> maildir_;
};

TEST_F(ImapSelectedSync, AChangeInCurIsSeen) {
  Selected box = open();
  ASSERT_EQ(box.messages.size(), 3U);
  age_directories();  // SELECT wrote mailroom-uidlist, not in new/ or cur/
  auto quiet = box.sync(true);
  ASSERT_TRUE(quiet);
  EXPECT_EQ(*quiet, "");
  fs::rename(root_ / "cur" / "1700000002.M1P1Q1.host:2,",
             root_ / "cur" / "1700000002.M1P1Q1.host:2,S");
  auto changed = box.sync(true);
  ASSERT_TRUE(changed);
  EXPECT_EQ(*changed, "* 2 FETCH (FLAGS (\\Seen))\r\n");
}

TEST_F(ImapSelectedSync, UnchangedDirectoriesAreNotScanned) {
  Selected box = open();
  age_directories();
  ASSERT_TRUE(box.sync(true));
  const auto scans = box.scans;
  // A file gone behind the directory's back, its mtime put back: the sync
  // trusts the stamps and does not read the folder. (Every real change,
  // a delivery, an expunge, a flag change, moves the mtime.)
  fs::remove(root_ / "cur" / "1700000003.M1P1Q1.host:2,");
  age_directories();
  auto out = box.sync(true);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "");
  EXPECT_EQ(box.scans, scans);
  EXPECT_EQ(box.messages.size(), 3U);
  // A fresh change moves the mtime: the scan runs and reports the expunge.
  std::ofstream(root_ / "new" / "1700000009.M1P1Q1.host") << "y\n";
  auto seen = box.sync(true);
  ASSERT_TRUE(seen);
  EXPECT_NE(seen->find("* 3 EXPUNGE\r\n"), std::string::npos);
  EXPECT_NE(seen->find("* 3 EXISTS\r\n"), std::string::npos);
  EXPECT_EQ(box.scans, scans + 1);
}

}  // namespace
}  // namespace mailroom::server::imap
