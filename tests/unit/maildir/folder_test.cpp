// Folders: Maildir++ layout, maildirfolder marker, subscriptions in
// Dovecot's and Courier's files, keyword letters, symlink refusal.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "maildir/dotlock.hpp"
#include "maildir/subscriptions.hpp"
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

Maildir open_maildir(const TempDir& dir, const Options& o = test_options()) {
  auto md = Maildir::open(dir / "Maildir", o);
  EXPECT_TRUE(md.has_value()) << md.error().message;
  return std::move(*md);
}

TEST(Folder, CreatesMaildirPlusPlusFolderWithMarker) {
  TempDir dir;
  auto md = open_maildir(dir);
  auto f = md.folder("Lists/Work");
  ASSERT_TRUE(f.has_value()) << f.error().message;
  EXPECT_TRUE(f->created());
  EXPECT_EQ(f->name(), "Lists/Work");
  EXPECT_EQ(f->directory(), ".Lists.Work");
  EXPECT_EQ(f->path(), dir / "Maildir/.Lists.Work");
  EXPECT_EQ(list_dir(dir / "Maildir/.Lists.Work"),
            (std::vector<std::string>{"cur", "maildirfolder", "new", "tmp"}));
  EXPECT_EQ(read_file(dir / "Maildir/.Lists.Work/maildirfolder"), "");
  EXPECT_TRUE(f->warning().empty()) << f->warning();
  auto again = md.folder("Lists.Work");
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->created());
}

// Sieve's mailboxexists asks this: it creates nothing and follows no link.
TEST(Folder, HasFolderSeesOnlyRealFolders) {
  TempDir dir;
  auto md = open_maildir(dir);
  EXPECT_TRUE(md.has_folder("INBOX"));
  EXPECT_FALSE(md.has_folder("Lists/Work"));
  EXPECT_EQ(list_dir(dir / "Maildir"), (std::vector<std::string>{"cur", "new", "tmp"}));
  ASSERT_TRUE(md.folder("Lists/Work").has_value());
  EXPECT_TRUE(md.has_folder("Lists/Work"));
  EXPECT_TRUE(md.has_folder("Lists.Work"));
  EXPECT_FALSE(md.has_folder("Lists"));  // a parent only named by a child
  EXPECT_FALSE(md.has_folder("../etc"));
  ASSERT_EQ(::symlink((dir / "Maildir/.Lists.Work").c_str(), (dir / "Maildir/.Elsewhere").c_str()),
            0);
  EXPECT_FALSE(md.has_folder("Elsewhere"));
}

TEST(Folder, InboxSpellingsAreTheRoot) {
  TempDir dir;
  auto md = open_maildir(dir);
  for (const char* name : {"", "INBOX", "inbox", "Inbox"}) {
    auto f = md.folder(name);
    ASSERT_TRUE(f.has_value()) << name;
    EXPECT_EQ(f->directory(), "") << name;
    EXPECT_EQ(f->name(), "INBOX");
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/subscriptions"));
}

TEST(Folder, RefusedNameIsParseErrorAndCreatesNothing) {
  TempDir dir;
  auto md = open_maildir(dir);
  for (const char* name : {"../escape", "a//b", "x\ty", "/abs"}) {
    auto f = md.folder(name);
    ASSERT_FALSE(f.has_value()) << name;
    EXPECT_EQ(f.error().kind, ErrorKind::parse);
  }
  EXPECT_EQ(list_dir(dir / "Maildir"), (std::vector<std::string>{"cur", "new", "tmp"}));
  EXPECT_EQ(list_dir(dir.path()), (std::vector<std::string>{"Maildir"}));
}

TEST(Folder, NonAsciiNameIsModifiedUtf7OnDisk) {
  TempDir dir;
  auto md = open_maildir(dir);
  auto f = md.folder("Ärger");
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(std::filesystem::is_directory(dir / "Maildir/.&AMQ-rger/new"));
}

TEST(Folder, SubscriptionsFileInDovecotVersion2Format) {
  TempDir dir;
  auto md = open_maildir(dir);
  ASSERT_TRUE(md.folder("Junk").has_value());
  ASSERT_TRUE(md.folder("Lists/Work").has_value());
  ASSERT_TRUE(md.folder("Ärger").has_value());
  ASSERT_TRUE(md.folder("Lists.Work").has_value());  // exists: not added twice
  // Byte for byte what Dovecot 2.3.19 writes for the same three folders.
  EXPECT_EQ(read_file(dir / "Maildir/subscriptions"), "V\t2\n\nJunk\nLists\tWork\n&AMQ-rger\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/subscriptions.lock"));
}

TEST(Folder, SubscriptionKeepsExistingEntriesAndSkipsDuplicates) {
  TempDir dir;
  auto md = open_maildir(dir);
  write_file(dir / "Maildir/subscriptions", "V\t2\n\nSent\nJunk");  // no final newline
  ASSERT_TRUE(md.folder("Junk").has_value());  // created now, already subscribed
  EXPECT_EQ(read_file(dir / "Maildir/subscriptions"), "V\t2\n\nSent\nJunk");
  ASSERT_TRUE(md.folder("Drafts").has_value());
  EXPECT_EQ(read_file(dir / "Maildir/subscriptions"), "V\t2\n\nSent\nJunk\nDrafts\n");
}

TEST(Folder, SetSubscribedAddsAndRemovesOneLine) {
  TempDir dir;
  auto md = open_maildir(dir);
  write_file(dir / "Maildir/subscriptions", "V\t2\n\nSent\nLists\tWork\nJunk\n");
  auto work = parse_folder_name("Lists/Work");
  ASSERT_TRUE(work);
  ASSERT_TRUE(md.set_subscribed(*work, false));  // IMAP UNSUBSCRIBE
  EXPECT_EQ(read_file(dir / "Maildir/subscriptions"), "V\t2\n\nSent\nJunk\n");
  ASSERT_TRUE(md.set_subscribed(*work, false));  // not there: unchanged
  EXPECT_EQ(read_file(dir / "Maildir/subscriptions"), "V\t2\n\nSent\nJunk\n");
  ASSERT_TRUE(md.set_subscribed(*work, true));  // IMAP SUBSCRIBE
  EXPECT_EQ(read_file(dir / "Maildir/subscriptions"), "V\t2\n\nSent\nJunk\nLists\tWork\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/subscriptions.lock"));
  write_file(dir / "Maildir/subscriptions", "Sent\nLists.Work\n");  // version 1
  ASSERT_TRUE(md.set_subscribed(*work, false));
  EXPECT_EQ(read_file(dir / "Maildir/subscriptions"), "Sent\n");
}

TEST(Folder, Version1SubscriptionsUseTheStorageSeparator) {
  TempDir dir;
  auto md = open_maildir(dir);
  write_file(dir / "Maildir/subscriptions", "Sent\n");
  ASSERT_TRUE(md.folder("Lists/Work").has_value());
  EXPECT_EQ(read_file(dir / "Maildir/subscriptions"), "Sent\nLists.Work\n");
}

TEST(Folder, ConcurrentCreatorsLoseNoSubscription) {
  // Eight processes each create a folder at once: the dotlock serialises the
  // read-modify-rename cycles, so every name must survive.
  TempDir dir;
  { auto md = open_maildir(dir); }
  std::vector<pid_t> children;
  for (int i = 0; i < 8; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      Options o = test_options();
      o.lock_timeout_ms = 10000;
      auto md = Maildir::open(dir / "Maildir", o);
      if (!md) ::_exit(2);
      auto f = md->folder("Folder" + std::to_string(i));
      ::_exit(f && f->warning().empty() ? 0 : 3);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const std::string subs = read_file(dir / "Maildir/subscriptions");
  ASSERT_TRUE(subs.starts_with("V\t2\n\n")) << subs;
  for (int i = 0; i < 8; ++i) {
    EXPECT_NE(subs.find("\nFolder" + std::to_string(i) + "\n"), std::string::npos) << subs;
  }
  EXPECT_EQ(std::count(subs.begin(), subs.end(), '\n'), 2 + 8);
}

TEST(Folder, SubscribeOffWritesNothing) {
  TempDir dir;
  Options o = test_options();
  o.subscribe = false;
  auto md = open_maildir(dir, o);
  ASSERT_TRUE(md.folder("Junk").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/subscriptions"));
}

TEST(Folder, CourierSubscriptionsOnlyWhenTheFileExists) {
  TempDir dir;
  auto md = open_maildir(dir);
  ASSERT_TRUE(md.folder("Junk").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/courierimapsubscribed"));
  write_file(dir / "Maildir/courierimapsubscribed", "INBOX.Sent\n");
  ASSERT_TRUE(md.folder("Lists/Ärger").has_value());
  EXPECT_EQ(read_file(dir / "Maildir/courierimapsubscribed"),
            "INBOX.Sent\nINBOX.Lists.&AMQ-rger\n");
  for (const auto& name : list_dir(dir / "Maildir"))
    EXPECT_EQ(name.find(".tmp."), std::string::npos) << name;
}

TEST(Folder, HeldLockTimesOutButFolderStillWorks) {
  TempDir dir;
  auto md = open_maildir(dir);
  write_file(dir / "Maildir/subscriptions.lock", "");  // fresh: another writer is busy
  auto f = md.folder("Junk");
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->warning().find("timed out waiting for lock"), std::string::npos) << f->warning();
  EXPECT_TRUE(std::filesystem::exists(dir / "Maildir/subscriptions.lock"));  // not ours to remove
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/subscriptions"));
}

TEST(Dotlock, StaleLockIsOverriddenFreshLockIsNot) {
  TempDir dir;
  const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  write_file(dir / "subscriptions.lock", "left by a crashed writer");
  detail::DotlockSettings settings;
  settings.timeout_ms = 200;
  settings.stale_seconds = 30;  // Dovecot's value: a fresh lock is respected
  EXPECT_FALSE(detail::Dotlock::acquire(fd, "subscriptions", dir.path(), settings).has_value());
  // Stale means: neither lock nor file changed for stale_seconds (mtime and
  // ctime; ctime cannot be set back, so wait past a 0 s threshold).
  ::sleep(1);
  settings.stale_seconds = 0;
  settings.timeout_ms = 2000;
  {
    auto lock = detail::Dotlock::acquire(fd, "subscriptions", dir.path(), settings);
    ASSERT_TRUE(lock.has_value()) << lock.error().message;
    const std::string_view content[] = {"V\t2\n\nJunk\n"};
    ASSERT_EQ(::write(lock->fd(), content[0].data(), content[0].size()),
              static_cast<ssize_t>(content[0].size()));
    ASSERT_TRUE(lock->replace(false).has_value());
  }
  EXPECT_EQ(read_file(dir / "subscriptions"), "V\t2\n\nJunk\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "subscriptions.lock"));
  ::close(fd);
}

TEST(Dotlock, ReleasedWithoutReplaceLeavesFileUntouched) {
  TempDir dir;
  const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
  write_file(dir / "subscriptions", "old");
  {
    auto lock = detail::Dotlock::acquire(fd, "subscriptions", dir.path(), {});
    ASSERT_TRUE(lock.has_value());
    ASSERT_EQ(::write(lock->fd(), "partial", 7), 7);
  }  // e.g. an error path: the lock goes, the file stays
  EXPECT_EQ(read_file(dir / "subscriptions"), "old");
  EXPECT_FALSE(std::filesystem::exists(dir / "subscriptions.lock"));
  ::close(fd);
}

TEST(Folder, SymlinkedFolderIsRefused) {
  TempDir dir;
  auto md = open_maildir(dir);
  std::filesystem::create_directories(dir / "elsewhere");
  std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "Maildir/.Junk");
  auto f = md.folder("Junk");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().kind, ErrorKind::temporary);
  EXPECT_EQ(f.error().sys_errno, ELOOP);
  EXPECT_TRUE(list_dir(dir / "elsewhere").empty());
}

TEST(Folder, CreateOffRefusesMissingFolder) {
  TempDir dir;
  auto md = open_maildir(dir);
  Options o = test_options();
  o.create = false;
  auto strict = Maildir::open(dir / "Maildir", o);
  ASSERT_TRUE(strict.has_value());
  auto f = strict->folder("Junk");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().sys_errno, ENOENT);
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/.Junk"));
}

TEST(Folder, KeywordLettersComeFromDovecotKeywords) {
  TempDir dir;
  auto md = open_maildir(dir);
  auto junk = md.folder("Junk");
  ASSERT_TRUE(junk.has_value());
  const std::string_view wanted[] = {"$Junk", "$Label1", "Unknown"};
  std::string unknown;
  EXPECT_EQ(junk->keyword_letters(wanted, &unknown), "");  // no file yet: Dovecot knows none
  EXPECT_EQ(unknown, "$Junk $Label1 Unknown");
  write_file(dir / "Maildir/.Junk/dovecot-keywords", "0 $Junk\n2 $Label1\n");
  unknown.clear();
  EXPECT_EQ(junk->keyword_letters(wanted, &unknown), "ac");
  EXPECT_EQ(unknown, "Unknown");
}

// Keywords Dovecot does not know are added to dovecot-keywords at the
// lowest free index, lines already there kept as written, no lock left.
TEST(Folder, AddKeywordsKeepsDovecotsLinesAndFillsFreeIndexes) {
  TempDir dir;
  auto md = open_maildir(dir);
  auto junk = md.folder("Junk");
  ASSERT_TRUE(junk.has_value());
  write_file(dir / "Maildir/.Junk/dovecot-keywords", "0 $Junk\n2 $Label1\n");
  const std::string_view wanted[] = {"$Junk", "Work", "Home", "Work", "bad word", "\\Seen"};
  ASSERT_TRUE(junk->add_keywords(wanted, test_options()).has_value());
  EXPECT_EQ(read_file(dir / "Maildir/.Junk/dovecot-keywords"),
            "0 $Junk\n2 $Label1\n1 Work\n3 Home\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/.Junk/dovecot-keywords.lock"));
  std::string unknown;
  EXPECT_EQ(junk->keyword_letters(wanted, &unknown), "abdb");
  // Nothing new: the file is left alone.
  ASSERT_TRUE(junk->add_keywords(wanted, test_options()).has_value());
  EXPECT_EQ(read_file(dir / "Maildir/.Junk/dovecot-keywords"),
            "0 $Junk\n2 $Label1\n1 Work\n3 Home\n");
}

// Dovecot re-reads dovecot-keywords only when its whole-second mtime grew
// (it moves its own writes to old + 1 when the clock has not): our rewrite
// must outgrow the old mtime too, or Dovecot misses the new name and writes
// the letter back as "unknown-N". The old file here is a second ahead of us.
TEST(Folder, AddKeywordsMtimeOutgrowsTheOldFile) {
  TempDir dir;
  auto md = open_maildir(dir);
  auto junk = md.folder("Junk");
  ASSERT_TRUE(junk.has_value());
  const auto path = dir / "Maildir/.Junk/dovecot-keywords";
  write_file(path, "0 $Junk\n");
  const struct timespec ahead[2] = {{0, UTIME_OMIT}, {::time(nullptr) + 100, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ahead, 0), 0);
  const std::string_view wanted[] = {"$Label1"};
  ASSERT_TRUE(junk->add_keywords(wanted, test_options()).has_value());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, ahead[1].tv_sec + 1);
  EXPECT_EQ(read_file(path), "0 $Junk\n1 $Label1\n");
}

TEST(Folder, AddKeywordsStopsAtTwentySixLetters) {
  TempDir dir;
  auto md = open_maildir(dir);
  std::vector<std::string> names;
  for (int i = 0; i < 30; ++i) names.push_back("k" + std::to_string(i));
  std::vector<std::string_view> views(names.begin(), names.end());
  ASSERT_TRUE(md.inbox().add_keywords(views, test_options()).has_value());
  std::string unknown;
  EXPECT_EQ(md.inbox().keyword_letters(views, &unknown), "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(unknown, "k26 k27 k28 k29");
}

// Another writer holds Dovecot's lock: we wait, then give up with an error.
TEST(Folder, AddKeywordsWaitsForDovecotsLock) {
  TempDir dir;
  auto md = open_maildir(dir);
  write_file(dir / "Maildir/dovecot-keywords.lock", "");
  Options quick = test_options();
  quick.lock_timeout_ms = 200;
  const std::string_view wanted[] = {"Work"};
  EXPECT_FALSE(md.inbox().add_keywords(wanted, quick).has_value());
  EXPECT_FALSE(std::filesystem::exists(dir / "Maildir/dovecot-keywords"));
}

}  // namespace
}  // namespace mailroom::maildir
