// Failure injection: unwritable directories and a full file system must give
// ErrorKind::temporary (the MTA retries) with a hint for the postmaster, and
// must leave nothing in new/.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "unit/maildir/test_support.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::maildir {
namespace {

using testing::list_dir;
using testing::TempDir;
using testing::test_options;

constexpr int kSkip = 77;

struct ChildResult {
  int code = -1;
  std::string message;  // what the child wrote to its pipe
};

// Runs fn in a child process (privilege drops and mounts must not leak into
// the test runner). fn returns an exit code and may write to its pipe fd.
ChildResult run_in_child(const std::function<int(int)>& fn) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ::_exit(fn(fds[1]));
  }
  ::close(fds[1]);
  ChildResult result;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
    result.message.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

void report(int fd, const Error& e) {
  const std::string line = std::to_string(static_cast<int>(e.kind)) + "|" + e.message;
  (void)!::write(fd, line.data(), line.size());
}

// As root, permissions do not stop us: become nobody first.
bool drop_to_nobody() {
  if (::geteuid() != 0) return true;
  return ::setgroups(0, nullptr) == 0 && ::setgid(65534) == 0 && ::setuid(65534) == 0;
}

// Makes the Maildir readable but not writable for whoever runs the child.
void make_read_only(const std::string& root) {
  for (const char* sub : {"", "/tmp", "/new", "/cur"}) ::chmod((root + sub).c_str(), 0555);
}

const std::string kTemporary = std::to_string(static_cast<int>(ErrorKind::temporary)) + "|";

TEST(Failure, ReadOnlyTmpIsTemporaryWithHint) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  ASSERT_TRUE(Maildir::open(root, test_options()).has_value());
  ::chmod(dir.path().c_str(), 0755);
  make_read_only(root);
  auto r = run_in_child([&](int out) {
    if (!drop_to_nobody()) return kSkip;
    auto md = Maildir::open(root, test_options());
    if (!md) {
      report(out, md.error());
      return 2;
    }
    Delivery d(*md);
    const std::string_view p[] = {"Subject: x\n\nbody\n"};
    auto s = d.stage(md->inbox(), p);
    if (s) return 3;
    report(out, s.error());
    return 0;
  });
  if (r.code == kSkip) MAILROOM_SKIP_OR_FAIL() << "cannot drop privileges";
  ASSERT_EQ(r.code, 0) << r.message;
  EXPECT_EQ(r.message.rfind(kTemporary, 0), 0u) << r.message;
  EXPECT_NE(r.message.find("Permission denied"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("writable by uid"), std::string::npos) << r.message;
  EXPECT_TRUE(list_dir(root + "/new").empty());
}

TEST(Failure, ReadOnlyRootRefusesFolderCreationWithHint) {
  TempDir dir;
  const std::string root = dir / "Maildir";
  ASSERT_TRUE(Maildir::open(root, test_options()).has_value());
  ::chmod(dir.path().c_str(), 0755);
  make_read_only(root);
  auto r = run_in_child([&](int out) {
    if (!drop_to_nobody()) return kSkip;
    auto md = Maildir::open(root, test_options());
    if (!md) return 2;
    auto f = md->folder("Junk");
    if (f) return 3;
    report(out, f.error());
    return 0;
  });
  if (r.code == kSkip) MAILROOM_SKIP_OR_FAIL() << "cannot drop privileges";
  ASSERT_EQ(r.code, 0) << r.message;
  EXPECT_EQ(r.message.rfind(kTemporary, 0), 0u) << r.message;
  EXPECT_NE(r.message.find(".Junk"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("writable by uid"), std::string::npos) << r.message;
}

TEST(Failure, MissingParentWithoutPermissionIsTemporary) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0555);
  auto r = run_in_child([&](int out) {
    if (!drop_to_nobody()) return kSkip;
    auto md = Maildir::open(dir / "Maildir", test_options());
    if (md) return 3;
    report(out, md.error());
    return 0;
  });
  if (r.code == kSkip) MAILROOM_SKIP_OR_FAIL() << "cannot drop privileges";
  ASSERT_EQ(r.code, 0) << r.message;
  EXPECT_EQ(r.message.rfind(kTemporary, 0), 0u) << r.message;
}

TEST(Failure, OneCopyFailsAtCommitTheOthersAreDelivered) {
  // fileinto Junk + keep: Junk's new/ refuses the link. INBOX still gets its
  // copy, the report names the failed one, and no tmp file is left behind.
  TempDir dir;
  const std::string root = dir / "Maildir";
  {
    auto md = Maildir::open(root, test_options());
    ASSERT_TRUE(md.has_value());
    ASSERT_TRUE(md->folder("Junk").has_value());
  }
  ::chmod(dir.path().c_str(), 0755);
  if (::geteuid() == 0) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
      (void)!::chown(e.path().c_str(), 65534, 65534);
    }
    (void)!::chown(root.c_str(), 65534, 65534);
  }
  ::chmod((root + "/.Junk/new").c_str(), 0555);
  auto r = run_in_child([&](int out) {
    if (!drop_to_nobody()) return kSkip;
    auto md = Maildir::open(root, test_options());
    if (!md) return 2;
    auto junk = md->folder("Junk");
    if (!junk) return 3;
    Delivery d(*md);
    const std::string_view p[] = {"Subject: x\n\nbody\n"};
    if (!d.stage(*junk, p) || !d.stage(md->inbox(), p)) return 4;
    const auto outcome = d.commit();
    if (outcome.copies.size() != 2 || outcome.copies[0].delivered() ||
        !outcome.copies[1].delivered()) {
      return 5;
    }
    if (!outcome.any_delivered() || outcome.all_delivered()) return 6;
    report(out, *outcome.first_error());
    return 0;
  });
  if (r.code == kSkip) MAILROOM_SKIP_OR_FAIL() << "cannot drop privileges";
  ASSERT_EQ(r.code, 0) << r.message;
  EXPECT_EQ(r.message.rfind(kTemporary, 0), 0u) << r.message;
  EXPECT_NE(r.message.find(".Junk/new/"), std::string::npos) << r.message;
  EXPECT_EQ(list_dir(root + "/new").size(), 1u);
  EXPECT_TRUE(list_dir(root + "/.Junk/new").empty());
  EXPECT_TRUE(list_dir(root + "/tmp").empty());
  EXPECT_TRUE(list_dir(root + "/.Junk/tmp").empty());
}

TEST(Failure, FullFileSystemIsTemporaryAndLeavesNothing) {
  TempDir dir;
  const std::string mnt = dir / "small";
  std::filesystem::create_directory(mnt);
  auto r = run_in_child([&](int out) {
    // A private mount namespace keeps the tiny tmpfs away from everyone else.
    if (::unshare(CLONE_NEWNS) != 0) return kSkip;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return kSkip;
    if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0) return kSkip;
    auto md = Maildir::open(mnt + "/Maildir", test_options());
    if (!md) return 2;
    const std::string big(std::size_t{256} * 1024, 'x');
    const std::string_view p[] = {big};
    Delivery d(*md);
    auto s = d.stage(md->inbox(), p);
    if (s) return 3;
    report(out, s.error());
    if (!list_dir(mnt + "/Maildir/tmp").empty()) return 4;  // the partial file is gone
    if (!list_dir(mnt + "/Maildir/new").empty()) return 5;
    // Room again for a small one: the failure left no residue.
    const std::string_view small[] = {"Subject: x\n\nok\n"};
    if (!d.stage(md->inbox(), small)) return 6;
    return d.commit().all_delivered() ? 0 : 7;
  });
  if (r.code == kSkip) MAILROOM_SKIP_OR_FAIL() << "cannot mount a tmpfs here (needs CAP_SYS_ADMIN)";
  ASSERT_EQ(r.code, 0) << r.message;
  EXPECT_EQ(r.message.rfind(kTemporary, 0), 0u) << r.message;
  EXPECT_NE(r.message.find("the file system is full"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace mailroom::maildir
