#include "mailroom/util/trust.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "unit/skip_or_fail.hpp"

namespace mailroom {
namespace {

// A scratch directory whose every ancestor is safe: as root under /run (root's,
// 0755), otherwise under $HOME (owned by the test's uid, passed as trusted).
class TrustDir : public testing::Test {
 protected:
  void SetUp() override {
    const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe): one thread
    std::string base = ::getuid() == 0 ? "/run" : (home != nullptr ? home : "");
    if (base.empty()) MAILROOM_SKIP_OR_FAIL() << "no safe place for a scratch directory (no HOME)";
    std::string pattern = base + "/mailroom-trust-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
    file_ = dir_ + "/mailroom.toml";
    std::ofstream(file_) << "[log]\n";
    ASSERT_EQ(::chmod(file_.c_str(), 0644), 0);
    ASSERT_TRUE(check(file_)) << check(file_).error().message;
  }
  void TearDown() override {
    if (dir_.empty()) return;
    std::string command = "rm -rf '" + dir_ + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);  // NOLINT(cert-env33-c): our own scratch dir
  }
  static Status check(const std::string& path) {
    return check_trusted_path(path, "configuration file", ::getuid());
  }
  std::string dir_;
  std::string file_;
};

TEST_F(TrustDir, GroupOrWorldWritableFileIsRefusedWithTheFix) {
  for (mode_t mode : {0664, 0646, 0666}) {
    ASSERT_EQ(::chmod(file_.c_str(), mode), 0);
    auto checked = check(file_);
    ASSERT_FALSE(checked) << std::oct << mode;
    EXPECT_EQ(checked.error().kind, ErrorKind::config);
    EXPECT_NE(checked.error().message.find("chmod go-w " + file_), std::string::npos)
        << checked.error().message;
  }
}

TEST_F(TrustDir, WritableParentDirectoryIsRefused) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
  auto checked = check(file_);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("chmod go-w " + dir_ + ","), std::string::npos)
      << checked.error().message;
}

TEST_F(TrustDir, StickyWorldWritableParentIsStillRefused) {
  ASSERT_EQ(::chmod(dir_.c_str(), 01777), 0);
  auto checked = check(file_);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("sticky"), std::string::npos) << checked.error().message;
}

TEST_F(TrustDir, ParentsAreCheckedUpToTheRoot) {
  std::string deep = dir_ + "/a/b";
  ASSERT_EQ(::mkdir((dir_ + "/a").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(deep.c_str(), 0755), 0);
  std::ofstream(deep + "/users") << "x:1:1:/x\n";
  ASSERT_EQ(::chmod((deep + "/users").c_str(), 0600), 0);
  EXPECT_TRUE(check(deep + "/users"));
  ASSERT_EQ(::chmod((dir_ + "/a").c_str(), 0775), 0);
  auto checked = check(deep + "/users");
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find(dir_ + "/a is writable by its group"), std::string::npos)
      << checked.error().message;
}

// A symbolic link is followed: the file it names and that file's parents count.
TEST_F(TrustDir, SymlinkToAnUnsafePlaceIsRefused) {
  std::string unsafe = dir_ + "/open";
  ASSERT_EQ(::mkdir(unsafe.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(unsafe.c_str(), 0777), 0);
  std::ofstream(unsafe + "/real.toml") << "[log]\n";
  ASSERT_EQ(::chmod((unsafe + "/real.toml").c_str(), 0644), 0);
  ASSERT_EQ(::symlink((unsafe + "/real.toml").c_str(), (dir_ + "/link.toml").c_str()), 0);
  EXPECT_FALSE(check(dir_ + "/link.toml"));
}

TEST_F(TrustDir, FileOfAnotherUserIsRefused) {
  if (::getuid() != 0) MAILROOM_SKIP_OR_FAIL() << "needs root to give the file away";
  ASSERT_EQ(::chown(file_.c_str(), 65534, 65534), 0);
  auto checked = check_trusted_path(file_, "virtual users file");
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("owned by uid 65534"), std::string::npos);
  EXPECT_NE(checked.error().message.find("chown root " + file_), std::string::npos);
  EXPECT_NE(checked.error().message.find("virtual users file"), std::string::npos);
}

TEST(Trust, TmpIsNeverSafeAndMissingFilesAreErrors) {
  EXPECT_FALSE(check_trusted_path("/tmp", "rules directory"));
  auto missing = check_trusted_path("/nonexistent/mailroom.toml", "configuration file");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::config);
  EXPECT_TRUE(check_trusted_path("/", "root"));
}

TEST(Trust, DevNullIsTheEmptyConfiguration) {
  // Mode 0666, yet nothing written to it is ever read back.
  EXPECT_TRUE(check_trusted_path("/dev/null", "configuration file"));
  EXPECT_FALSE(check_trusted_path("/dev/zero", "configuration file"));
}

}  // namespace
}  // namespace mailroom
