// The session's user cache (lmtp/user_cache.hpp): kept only while the
// tables say the same, so a user added, removed or changed is seen at once.
#include "lmtp/user_cache.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <string>

namespace mailroom::lmtp {
namespace {

using deliver::MailUser;

class LmtpUserCache : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/user_cache.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    tables_ = {dir_ + "/users", dir_ + "/nsswitch.conf", dir_ + "/passwd"};
    write(tables_.nsswitch_conf, "passwd:         files systemd\n", -60);
    write(tables_.passwd_file, "root:x:0:0:root:/root:/bin/bash\n" + bob_line_, -60);
    write(tables_.virtual_file, "vera:5000:5000:/srv/mail/vera\n", -60);
  }
  void TearDown() override {
    for (const auto* path : {&tables_.virtual_file, &tables_.nsswitch_conf, &tables_.passwd_file})
      std::remove(path->c_str());
    ::rmdir(dir_.c_str());
  }

  // Writes `text` to `path` as useradd does (a new file renamed over the
  // old one), its modification time `age` seconds from now.
  static void write(const std::string& path, const std::string& text, int age) {
    const std::string next = path + "+";
    std::FILE* f = std::fopen(next.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    set_age(next, age);
    ASSERT_EQ(std::rename(next.c_str(), path.c_str()), 0);
  }
  // In place (same inode), as an editor that does not rename does.
  static void overwrite(const std::string& path, const std::string& text, int age) {
    std::FILE* f = std::fopen(path.c_str(), "r+");
    ASSERT_NE(f, nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    set_age(path, age);
  }
  static void set_age(const std::string& path, int age) {
    const timespec when{std::time(nullptr) + age, 0};
    const timespec times[2] = {when, when};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }

  // The lookup the cache stands in front of: answers from `known`,
  // counting the calls.
  UserCache cache() {
    return UserCache(tables_, [this](const std::string& name) -> Result<MailUser> {
      ++lookups_;
      auto found = known_.find(name);
      if (found == known_.end()) return fail(ErrorKind::no_user, "no such user: " + name);
      return found->second;
    });
  }

  std::string dir_;
  UserTables tables_;
  std::string bob_line_ = "bob:x:1001:1001::/home/bob:/bin/sh\n";
  std::map<std::string, MailUser> known_{
      {"bob", {"bob", 1001, 1001, "/home/bob", "/home/bob/Maildir"}},
      {"vera", {"vera", 5000, 5000, "", "/srv/mail/vera"}}};
  int lookups_ = 0;
};

TEST_F(LmtpUserCache, AskedOnceWhileTheTablesStayTheSame) {
  auto users = cache();
  ASSERT_TRUE(users.find("bob"));
  auto again = users.find("bob");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->uid, 1001U);
  EXPECT_EQ(again->maildir, "/home/bob/Maildir");
  EXPECT_EQ(lookups_, 1);
  ASSERT_TRUE(users.find("vera"));  // a virtual user: the virtual file decides
  ASSERT_TRUE(users.find("vera"));
  EXPECT_EQ(lookups_, 2);
}

TEST_F(LmtpUserCache, AUserRemovedIsSeenAtOnce) {
  auto users = cache();
  ASSERT_TRUE(users.find("bob"));
  known_.erase("bob");
  write(tables_.passwd_file, "root:x:0:0:root:/root:/bin/bash\n", -60);  // userdel
  auto gone = users.find("bob");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::no_user);
}

TEST_F(LmtpUserCache, AUserAddedIsSeenAtOnce) {
  auto users = cache();
  auto missing = users.find("carol");
  ASSERT_FALSE(missing);
  known_["carol"] = {"carol", 1002, 1002, "/home/carol", "/home/carol/Maildir"};
  // Not even a table change is needed: a name not found is not kept.
  EXPECT_TRUE(users.find("carol"));
  EXPECT_EQ(lookups_, 2);
}

TEST_F(LmtpUserCache, AnEditInPlaceOfTheSameSizeIsSeen) {
  auto users = cache();
  ASSERT_TRUE(users.find("bob"));
  known_["bob"].home = "/home/bib";
  overwrite(tables_.passwd_file,
            "root:x:0:0:root:/root:/bin/bash\nbob:x:1001:1001::/home/bib:/bin/sh\n", -30);
  auto changed = users.find("bob");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->home, "/home/bib");
}

TEST_F(LmtpUserCache, AVirtualFileChangedDropsWhatWasKept) {
  auto users = cache();
  ASSERT_TRUE(users.find("vera"));
  known_.erase("vera");
  write(tables_.virtual_file, "# nobody\n", -60);
  EXPECT_FALSE(users.find("vera"));
}

TEST_F(LmtpUserCache, NothingIsKeptFromATableWrittenJustNow) {
  // Written now: another write within the same clock tick, in place and of
  // the same size, would leave the stamp as it is.
  write(tables_.passwd_file, "root:x:0:0:root:/root:/bin/bash\n" + bob_line_, 0);
  auto users = cache();
  ASSERT_TRUE(users.find("bob"));
  ASSERT_TRUE(users.find("bob"));
  EXPECT_EQ(lookups_, 2);
}

TEST_F(LmtpUserCache, AUserFromAnotherServiceIsAskedEveryTime) {
  // LDAP, SSSD, systemd: not in the passwd file, so no stamp covers it.
  known_["dora"] = {"dora", 1003, 1003, "/home/dora", "/home/dora/Maildir"};
  auto users = cache();
  ASSERT_TRUE(users.find("dora"));
  ASSERT_TRUE(users.find("dora"));
  EXPECT_EQ(lookups_, 2);
  // Nor a passwd line that says otherwise than the answer.
  known_["bob"].home = "/ldap/bob";
  ASSERT_TRUE(users.find("bob"));
  ASSERT_TRUE(users.find("bob"));
  EXPECT_EQ(lookups_, 4);
}

TEST_F(LmtpUserCache, ServicesBeforeFilesDecideNothingIsKept) {
  write(tables_.nsswitch_conf, "# ours\npasswd: sss files\ngroup: files\n", -60);
  auto users = cache();
  ASSERT_TRUE(users.find("bob"));
  ASSERT_TRUE(users.find("bob"));
  EXPECT_EQ(lookups_, 2);
}

}  // namespace
}  // namespace mailroom::lmtp
