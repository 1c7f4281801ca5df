// Stored messages (`mailroom sieve filter`): listing new/ and cur/,
// reading, linking into another folder with flags, unlinking, and a move
// interrupted after its link (both copies, the next run finishes it).
#include "mailroom/maildir/move.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "unit/maildir/test_support.hpp"

namespace mailroom::maildir {
namespace {

using testing::list_dir;
using testing::read_file;
using testing::TempDir;
using testing::test_options;
using testing::write_file;

struct Fixture {
  TempDir dir;
  Maildir md;
  Folder inbox;
  Folder work;
  static Maildir open(const TempDir& d) {
    auto md = Maildir::open(d / "Maildir", test_options());
    EXPECT_TRUE(md) << md.error().message;
    return std::move(*md);
  }
  Fixture() : md(open(dir)), inbox(md.inbox()), work(*md.folder("Work")) {
    write_file(dir / "Maildir/new/1.a.host", "Subject: one\r\n\r\n1\r\n");
    write_file(dir / "Maildir/cur/2.b.host:2,S", "Subject: two\r\n\r\n2\r\n");
    write_file(dir / "Maildir/cur/.hidden", "x");
  }
};

TEST(StoredMessages, ListsNewAndCurWithoutDotFiles) {
  Fixture f;
  auto listed = list_messages(f.inbox);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].name, "1.a.host");
  EXPECT_FALSE((*listed)[0].in_cur);
  EXPECT_EQ((*listed)[1].unique(), "2.b.host");
  EXPECT_EQ((*listed)[1].flags(), "S");
  auto bytes = read_message(f.inbox, (*listed)[1], 1000);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, "Subject: two\r\n\r\n2\r\n");
  EXPECT_FALSE(read_message(f.inbox, (*listed)[1], 5));  // over the limit
}

TEST(StoredMessages, MoveIsLinkThenUnlinkWithFlags) {
  Fixture f;
  auto listed = list_messages(f.inbox);
  ASSERT_TRUE(listed);
  const StoredMessage& fresh = (*listed)[0];
  auto linked = link_message(f.inbox, fresh, f.work, "FS");
  ASSERT_TRUE(linked) << linked.error().message;
  EXPECT_TRUE(linked->in_cur);
  EXPECT_EQ(linked->name, "1.a.host:2,FS");
  // Linked, not yet unlinked: the message is in both folders.
  EXPECT_EQ(list_dir(f.dir / "Maildir/new"), std::vector<std::string>{"1.a.host"});
  EXPECT_EQ(read_file(f.dir / "Maildir/.Work/cur/1.a.host:2,FS"), "Subject: one\r\n\r\n1\r\n");
  ASSERT_TRUE(unlink_message(f.inbox, fresh));
  EXPECT_TRUE(list_dir(f.dir / "Maildir/new").empty());
}

TEST(StoredMessages, NoFlagsFromNewStaysInNew) {
  Fixture f;
  auto listed = list_messages(f.inbox);
  ASSERT_TRUE(listed);
  auto linked = link_message(f.inbox, (*listed)[0], f.work, "");
  ASSERT_TRUE(linked);
  EXPECT_FALSE(linked->in_cur);
  EXPECT_EQ(list_dir(f.dir / "Maildir/.Work/new"), std::vector<std::string>{"1.a.host"});
}

TEST(StoredMessages, InterruptedMoveIsFinishedByTheNextRun) {
  Fixture f;
  auto listed = list_messages(f.inbox);
  ASSERT_TRUE(listed);
  const StoredMessage& seen = (*listed)[1];
  ASSERT_TRUE(link_message(f.inbox, seen, f.work, "S"));
  // Killed here; the next run links again: the same file is already
  // there, which counts as done, and then the source goes.
  auto again = link_message(f.inbox, seen, f.work, "S");
  ASSERT_TRUE(again) << again.error().message;
  ASSERT_TRUE(unlink_message(f.inbox, seen));
  EXPECT_EQ(list_dir(f.dir / "Maildir/.Work/cur"), std::vector<std::string>{"2.b.host:2,S"});
}

TEST(StoredMessages, AnotherFileUnderTheNameIsNeverReplaced) {
  Fixture f;
  write_file(f.dir / "Maildir/.Work/cur/2.b.host:2,S", "someone else");
  auto listed = list_messages(f.inbox);
  ASSERT_TRUE(listed);
  EXPECT_FALSE(link_message(f.inbox, (*listed)[1], f.work, "S"));
  EXPECT_EQ(read_file(f.dir / "Maildir/.Work/cur/2.b.host:2,S"), "someone else");
}

TEST(StoredMessages, BadFlagsAreRefused) {
  Fixture f;
  auto listed = list_messages(f.inbox);
  ASSERT_TRUE(listed);
  EXPECT_FALSE(link_message(f.inbox, (*listed)[0], f.work, "S:/"));
}

TEST(StoredMessages, SystemFlagLetters) {
  EXPECT_EQ(system_flag_letter("\\Seen"), 'S');
  EXPECT_EQ(system_flag_letter("\\ANSWERED"), 'R');
  EXPECT_EQ(system_flag_letter("\\flagged"), 'F');
  EXPECT_EQ(system_flag_letter("\\Deleted"), 'T');
  EXPECT_EQ(system_flag_letter("\\Draft"), 'D');
  EXPECT_EQ(system_flag_letter("\\Recent"), 0);  // cannot be set (RFC 3501 §2.3.2)
  EXPECT_EQ(system_flag_letter("$Junk"), 0);
  EXPECT_EQ(system_flag_letter("\\Seenx"), 0);
}

}  // namespace
}  // namespace mailroom::maildir
