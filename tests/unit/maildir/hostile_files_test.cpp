// What a user can plant in their own Maildir (issue 12 items 6 and 15): a
// FIFO or a symbolic link where mailroom opens a file must neither block nor
// be followed, and a message says what is in the way.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

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

constexpr int kHung = 124;

// Runs body in a child process; its exit code, or kHung when it did not end
// within 3 s (a FIFO opened for reading or writing blocks forever: the old
// code hung here, and a hang must fail the test rather than stall it).
int in_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return kHung;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void make_fifo(const std::string& path) { ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0) << path; }

void make_link(const std::string& target, const std::string& path) {
  std::filesystem::create_symlink(target, path);
}

bool deliver_one(Maildir& md, const std::string& folder) {
  const std::string_view body[] = {"Subject: x\n\nbody\n"};
  auto f = md.folder(folder);
  if (!f) return false;
  Delivery d(md);
  return d.stage(*f, body).has_value() && d.commit().all_delivered();
}

class Hostile : public ::testing::TestWithParam<bool> {  // true: FIFO, false: symlink
 protected:
  void plant(const std::string& rel) {
    const std::string path = dir_ / rel;
    if (GetParam()) {
      make_fifo(path);
    } else {
      write_file(dir_ / "victim", "1S\n0 0\n");
      make_link(dir_ / "victim", path);
    }
  }
  Maildir open(Options o = test_options()) {
    auto md = Maildir::open(dir_ / "Maildir", o);
    EXPECT_TRUE(md.has_value()) << md.error().message;
    return std::move(*md);
  }
  void SetUp() override { open(); }
  TempDir dir_;
};

TEST_P(Hostile, MaildirsizeFailsQuicklyBeforeAndIsOnlyAWarningAfter) {
  plant("Maildir/maildirsize");
  Options o = test_options();
  o.default_quota = "1000000S";
  const int code = in_child([&] {
    auto md = open(o);
    auto check = md.check_quota(10);
    if (check) return 1;  // a FIFO or link is no quota definition to trust
    if (check.error().kind != ErrorKind::temporary) return 2;
    const std::string kind = GetParam() ? "a FIFO" : "a symbolic link";
    if (check.error().message.find("maildirsize is " + kind) == std::string::npos) return 3;
    // After the link: the bookkeeping fails, quickly, as a value.
    if (record_delivery(md, 10).has_value()) return 4;
    return 0;
  });
  EXPECT_EQ(code, 0);
  if (!GetParam()) EXPECT_EQ(read_file(dir_ / "victim"), "1S\n0 0\n");
}

TEST_P(Hostile, MaildirfolderIsAWarningTheFolderWorks) {
  std::filesystem::create_directories(dir_ / "Maildir/.Junk");
  plant("Maildir/.Junk/maildirfolder");
  const int code = in_child([&] {
    auto md = open();
    auto f = md.folder("Junk");
    if (!f) return 1;
    if (f->warning().find("maildirfolder is") == std::string::npos) return 2;
    return deliver_one(md, "Junk") ? 0 : 3;
  });
  EXPECT_EQ(code, 0);
  EXPECT_EQ(list_dir(dir_ / "Maildir/.Junk/new").size(), 1u);
}

TEST_P(Hostile, SubscriptionFilesAreWarningsTheFolderIsMade) {
  plant("Maildir/subscriptions");
  const std::string courier = dir_ / "Maildir/courierimapsubscribed";
  if (GetParam()) {
    make_fifo(courier);
  } else {
    make_link(dir_ / "victim", courier);
  }
  const int code = in_child([&] {
    auto md = open();
    auto f = md.folder("Lists/Work");
    if (!f) return 1;
    if (f->warning().find("subscriptions") == std::string::npos) return 2;
    if (f->warning().find("courierimapsubscribed") == std::string::npos) return 3;
    return deliver_one(md, "Lists/Work") ? 0 : 4;
  });
  EXPECT_EQ(code, 0);
  if (!GetParam()) EXPECT_EQ(read_file(dir_ / "victim"), "1S\n0 0\n");
}

TEST_P(Hostile, LockFileWaitIsBounded) {
  plant("Maildir/subscriptions.lock");
  const int code = in_child([&] {
    auto md = open();  // test_options: lock_timeout_ms = 300
    auto f = md.folder("Junk");
    if (!f) return 1;
    if (f->warning().find("timed out waiting for lock") == std::string::npos) return 2;
    return deliver_one(md, "Junk") ? 0 : 3;
  });
  EXPECT_EQ(code, 0);
}

TEST_P(Hostile, DovecotKeywordsAreIgnored) {
  plant("Maildir/dovecot-keywords");
  const int code = in_child([&] {
    auto md = open();
    const std::string_view keywords[] = {"$Junk"};
    std::string unknown;
    return md.inbox().keyword_letters(keywords, &unknown).empty() && unknown == "$Junk" ? 0 : 1;
  });
  EXPECT_EQ(code, 0);
}

INSTANTIATE_TEST_SUITE_P(FifoAndSymlink, Hostile, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Fifo" : "Symlink"; });

// Issue 12 item 15: a symlinked or FIFO tmp/ was "a plain file".
TEST(HostileTmp, SaysWhatIsInTheWay) {
  struct Case {
    const char* kind;
    std::function<void(const std::string&, const std::string&)> make;
  };
  const Case cases[] = {
      {"a symbolic link to ",
       [](const auto& dir, const auto& tmp) { std::filesystem::create_symlink(dir, tmp); }},
      {"a FIFO", [](const auto&, const auto& tmp) { make_fifo(tmp); }},
      {"a plain file", [](const auto&, const auto& tmp) { write_file(tmp, ""); }},
  };
  for (const auto& c : cases) {
    TempDir dir;
    std::filesystem::create_directories(dir / "Maildir/new");
    std::filesystem::create_directories(dir / "Maildir/cur");
    std::filesystem::create_directories(dir / "elsewhere");
    c.make(dir / "elsewhere", dir / "Maildir/tmp");
    auto md = Maildir::open(dir / "Maildir", test_options());
    ASSERT_FALSE(md.has_value()) << c.kind;
    EXPECT_NE(md.error().message.find("tmp: it is " + std::string(c.kind)), std::string::npos)
        << md.error().message;
    EXPECT_EQ(md.error().message.find("a plain file") != std::string::npos,
              std::string(c.kind) == "a plain file")
        << md.error().message;
    EXPECT_TRUE(list_dir(dir / "elsewhere").empty());
  }
}

TEST(HostileTmp, SymlinkedFolderSaysWhereItPoints) {
  TempDir dir;
  ASSERT_TRUE(Maildir::open(dir / "Maildir", test_options()).has_value());
  std::filesystem::create_directories(dir / "elsewhere");
  std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "Maildir/.Junk");
  auto md = Maildir::open(dir / "Maildir", test_options());
  auto f = md->folder("Junk");
  ASSERT_FALSE(f.has_value());
  EXPECT_NE(f.error().message.find("a symbolic link to " + (dir / "elsewhere")), std::string::npos)
      << f.error().message;
}

}  // namespace
}  // namespace mailroom::maildir
