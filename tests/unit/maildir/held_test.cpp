// Maildir descriptors held between deliveries (keep_maildirs_open, for
// mailroom lmtp's per-uid worker): taken again while the path names the
// same directories, opened afresh when the Maildir or one of tmp/ new/
// cur/ was renamed away or replaced, so that no copy goes into a
// directory that is no longer the user's Maildir.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "unit/maildir/test_support.hpp"

namespace mailroom::maildir {
namespace {

using testing::list_dir;
using testing::TempDir;
using testing::test_options;

// Holding is process-wide: on for one test, off (and emptied) after it.
class Held : public ::testing::Test {
 protected:
  void SetUp() override { keep_maildirs_open(true); }
  void TearDown() override { keep_maildirs_open(false); }

  // One delivery as deliver makes it: the Maildir opened by its path.
  static void deliver(const std::string& root, std::string_view text) {
    auto maildir = Maildir::open(root, test_options());
    ASSERT_TRUE(maildir.has_value()) << maildir.error().message;
    Delivery delivery(*maildir);
    const std::string_view pieces[] = {text};
    ASSERT_TRUE(delivery.stage(maildir->inbox(), pieces).has_value());
    ASSERT_TRUE(delivery.commit().all_delivered());
  }

  // One delivery into `folder` (a Sieve fileinto), the Maildir opened by its path.
  static void deliver_into(const std::string& root, std::string_view folder,
                           std::string_view text) {
    auto maildir = Maildir::open(root, test_options());
    ASSERT_TRUE(maildir.has_value()) << maildir.error().message;
    auto target = maildir->folder(folder);
    ASSERT_TRUE(target.has_value()) << target.error().message;
    Delivery delivery(*maildir);
    const std::string_view pieces[] = {text};
    ASSERT_TRUE(delivery.stage(*target, pieces).has_value());
    ASSERT_TRUE(delivery.commit().all_delivered());
  }

  static const void* folder_dirs_of(const std::string& root, std::string_view folder) {
    auto maildir = Maildir::open(root, test_options());
    EXPECT_TRUE(maildir.has_value());
    if (!maildir) return nullptr;
    auto target = maildir->folder(folder);
    EXPECT_TRUE(target.has_value());
    return target ? target->dirs().get() : nullptr;
  }

  static const void* dirs_of(const std::string& root) {
    auto maildir = Maildir::open(root, test_options());
    EXPECT_TRUE(maildir.has_value());
    return maildir ? maildir->inbox().dirs().get() : nullptr;
  }
};

TEST_F(Held, SameMaildirIsTakenAgain) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  const void* first = dirs_of(root);
  EXPECT_EQ(dirs_of(root), first);  // the same descriptors, not opened again
  keep_maildirs_open(false);
  EXPECT_NE(dirs_of(root), nullptr);
}

TEST_F(Held, MaildirRenamedAwayGetsTheNextMessageInANewOne) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  deliver(root, "Subject: one\n\n1\n");
  std::filesystem::rename(root, dir / "Maildir.moved");
  deliver(root, "Subject: two\n\n2\n");  // creates the Maildir again
  EXPECT_EQ(list_dir(dir / "Maildir.moved/new").size(), 1u);
  EXPECT_EQ(list_dir(root + "/new").size(), 1u);
}

TEST_F(Held, MaildirReplacedByAnotherGetsTheNextMessage) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  deliver(root, "Subject: one\n\n1\n");
  std::filesystem::rename(root, dir / "Maildir.old");
  for (const char* sub : {"", "/tmp", "/new", "/cur"})
    std::filesystem::create_directory(root + sub);
  deliver(root, "Subject: two\n\n2\n");
  EXPECT_EQ(list_dir(dir / "Maildir.old/new").size(), 1u);
  EXPECT_EQ(list_dir(root + "/new").size(), 1u);
}

TEST_F(Held, SwappedSubdirectoryIsOpenedAfresh) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  deliver(root, "Subject: one\n\n1\n");
  for (const char* sub : {"new", "tmp"}) {
    std::filesystem::rename(root + "/" + sub, root + "/" + sub + ".old");
    std::filesystem::create_directory(root + "/" + sub);
  }
  deliver(root, "Subject: two\n\n2\n");
  EXPECT_EQ(list_dir(root + "/new.old").size(), 1u);
  EXPECT_EQ(list_dir(root + "/new").size(), 1u);
  EXPECT_TRUE(list_dir(root + "/tmp.old").empty());
}

// A symbolic link put in the path's place is followed as open(2) follows
// it for a Maildir opened afresh: the copy goes where the path now leads.
TEST_F(Held, PathNowALinkElsewhereIsFollowedAsByAFreshOpen) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  deliver(root, "Subject: one\n\n1\n");
  deliver(dir / "Other", "Subject: other\n\n0\n");
  std::filesystem::rename(root, dir / "Maildir.old");
  std::filesystem::create_directory_symlink(dir / "Other", root);
  deliver(root, "Subject: two\n\n2\n");
  EXPECT_EQ(list_dir(dir / "Maildir.old/new").size(), 1u);
  EXPECT_EQ(list_dir(dir / "Other/new").size(), 2u);
}

TEST_F(Held, SameFolderIsTakenAgain) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  const void* first = folder_dirs_of(root, "Lists");
  EXPECT_EQ(folder_dirs_of(root, "Lists"), first);
  EXPECT_NE(folder_dirs_of(root, "Junk"), first);
  EXPECT_EQ(folder_dirs_of(root, "Lists"), first);
}

TEST_F(Held, FolderRenamedAwayGetsTheNextMessageInANewOne) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  deliver_into(root, "Lists", "Subject: one\n\n1\n");
  std::filesystem::rename(root + "/.Lists", root + "/.Lists.old");
  deliver_into(root, "Lists", "Subject: two\n\n2\n");  // creates the folder again
  EXPECT_EQ(list_dir(root + "/.Lists.old/new").size(), 1u);
  EXPECT_EQ(list_dir(root + "/.Lists/new").size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(root + "/.Lists/maildirfolder"));
}

// A folder opened afresh refuses a symbolic link (O_NOFOLLOW); a held one
// is not taken through one either, even to the very directory held.
TEST_F(Held, FolderNowALinkIsNotTaken) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  deliver_into(root, "Lists", "Subject: one\n\n1\n");
  std::filesystem::rename(root + "/.Lists", dir / "Lists.elsewhere");
  std::filesystem::create_directory_symlink(dir / "Lists.elsewhere", root + "/.Lists");
  auto maildir = Maildir::open(root, test_options());
  ASSERT_TRUE(maildir.has_value());
  EXPECT_FALSE(maildir->folder("Lists").has_value());
}

TEST_F(Held, SwappedFolderSubdirectoryIsOpenedAfresh) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  deliver_into(root, "Lists", "Subject: one\n\n1\n");
  std::filesystem::rename(root + "/.Lists/new", root + "/.Lists/new.old");
  std::filesystem::create_directory(root + "/.Lists/new");
  deliver_into(root, "Lists", "Subject: two\n\n2\n");
  EXPECT_EQ(list_dir(root + "/.Lists/new.old").size(), 1u);
  EXPECT_EQ(list_dir(root + "/.Lists/new").size(), 1u);
}

}  // namespace
}  // namespace mailroom::maildir
