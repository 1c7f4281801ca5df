#include "mailroom/util/passwd.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace mailroom {
namespace {

TEST(PasswdLine, Parses) {
  auto e = parse_passwd_line("alice:x:1001:100:Alice,,,:/home/alice:/bin/bash\r");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->name, "alice");
  EXPECT_EQ(e->uid, 1001U);
  EXPECT_EQ(e->gid, 100U);
  EXPECT_EQ(e->home, "/home/alice");
}

TEST(PasswdLine, RefusesWhatIsNotAUser) {
  for (const char* line : {"", "# alice:x:1:1::/h:/s", "+::::::", "-bob::::::", "+@staff::::::",
                           "alice:x:1001:100::/home/alice", "alice:x:1001:100:::/bin/sh:extra",
                           "alice:x:-1:100::/h:/s", "alice:x:4294967296:1::/h:/s",
                           "alice:x:12a:1::/h:/s", ":x:1:1::/h:/s"}) {
    SCOPED_TRACE(line);
    EXPECT_FALSE(parse_passwd_line(line));
  }
}

TEST(Nsswitch, FilesFirstThenOthers) {
  const auto debian =
      plan_from_nsswitch("# comment\npasswd:         files systemd\ngroup: files\n");
  EXPECT_TRUE(debian.files_first);
  EXPECT_TRUE(debian.ask_getent_on_miss);
  const auto only_files = plan_from_nsswitch("passwd:files\n");
  EXPECT_TRUE(only_files.files_first);
  EXPECT_FALSE(only_files.ask_getent_on_miss);
}

TEST(Nsswitch, NotFoundReturnEndsTheSearch) {
  for (const char* text :
       {"passwd: files [NOTFOUND=return] ldap", "passwd: files [ notfound = return ] ldap",
        "passwd: files [SUCCESS=return NOTFOUND=return] sss"}) {
    SCOPED_TRACE(text);
    const auto plan = plan_from_nsswitch(text);
    EXPECT_TRUE(plan.files_first);
    EXPECT_FALSE(plan.ask_getent_on_miss);
  }
  EXPECT_TRUE(plan_from_nsswitch("passwd: files [UNAVAIL=return] ldap").ask_getent_on_miss);
  // Negated: return on anything but NOTFOUND, so a miss goes on.
  EXPECT_TRUE(plan_from_nsswitch("passwd: files [!NOTFOUND=return] ldap").ask_getent_on_miss);
  EXPECT_TRUE(plan_from_nsswitch("passwd: files [ ! NOTFOUND = return ] ldap").ask_getent_on_miss);
}

TEST(Nsswitch, OtherServicesFirstMeanGetent) {
  for (const char* text : {"passwd: sss files", "passwd: compat", "passwd: ldap"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(plan_from_nsswitch(text).files_first);
  }
}

TEST(Nsswitch, WithoutAPasswdLineItIsFiles) {
  for (const char* text : {"", "group: ldap\n", "#passwd: ldap\n", "passwd:\n", "passwdx: ldap"}) {
    SCOPED_TRACE(text);
    const auto plan = plan_from_nsswitch(text);
    EXPECT_TRUE(plan.files_first);
    EXPECT_FALSE(plan.ask_getent_on_miss);
  }
}

// A directory with a passwd file, an nsswitch.conf and (maybe) a fake getent.
class PasswdDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "mailroom-passwd.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    sources_.passwd_file = dir_ + "/passwd";
    sources_.nsswitch_conf = dir_ + "/nsswitch.conf";
    write(sources_.passwd_file,
          "root:x:0:0:root:/root:/bin/bash\n"
          "# a comment\n"
          "+::::::\n"
          "alice:x:1001:100::/home/alice:/bin/sh\n"
          "alice:x:1002:100::/home/second:/bin/sh\n"
          "bob:x:1003:100::/home/bob:/bin/sh");  // no final newline
    write(sources_.nsswitch_conf, "passwd: files\n");
  }
  void TearDown() override {
    for (const char* name : {"/passwd", "/nsswitch.conf", "/getent"})
      std::remove((dir_ + name).c_str());
    ::rmdir(dir_.c_str());
  }
  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  // A getent stand-in: prints `output` and exits with `status`.
  void fake_getent(const std::string& output, int status) {
    sources_.getent = dir_ + "/getent";
    write(sources_.getent,
          "#!/bin/sh\nprintf '%s' '" + output + "'\nexit " + std::to_string(status) + "\n");
    ASSERT_EQ(::chmod(sources_.getent.c_str(), 0755), 0);
  }

  std::string dir_;
  PasswdSources sources_;
};

TEST_F(PasswdDir, FilesFindsTheFirstEntry) {
  auto alice = find_user_by_name("alice", sources_);
  ASSERT_TRUE(alice) << alice.error().message;
  EXPECT_EQ(alice->uid, 1001U);
  EXPECT_EQ(alice->home, "/home/alice");
  auto bob = find_user_by_uid(1003, sources_);
  ASSERT_TRUE(bob) << bob.error().message;
  EXPECT_EQ(bob->name, "bob");
}

TEST_F(PasswdDir, MissWithOnlyFilesIsNoUser) {
  fake_getent("carol:x:5:5::/home/carol:/bin/sh\n", 0);  // must not be asked
  auto carol = find_user_by_name("carol", sources_);
  ASSERT_FALSE(carol);
  EXPECT_EQ(carol.error().kind, ErrorKind::no_user);
  EXPECT_EQ(find_user_by_uid(4242, sources_).error().kind, ErrorKind::no_user);
}

TEST_F(PasswdDir, MissInFilesAsksGetentWhenOtherServicesFollow) {
  write(sources_.nsswitch_conf, "passwd: files ldap\n");
  fake_getent("carol:x:5:6:Carol:/home/carol:/bin/sh\n", 0);
  auto carol = find_user_by_name("carol", sources_);
  ASSERT_TRUE(carol) << carol.error().message;
  EXPECT_EQ(carol->uid, 5U);
  EXPECT_EQ(carol->gid, 6U);
  EXPECT_EQ(find_user_by_name("alice", sources_)->uid, 1001U);  // files still first
}

TEST_F(PasswdDir, OtherServiceFirstAsksGetentEvenForFileUsers) {
  write(sources_.nsswitch_conf, "passwd: ldap files\n");
  fake_getent("alice:x:7:7::/ldap/alice:/bin/sh\n", 0);
  auto alice = find_user_by_name("alice", sources_);
  ASSERT_TRUE(alice) << alice.error().message;
  EXPECT_EQ(alice->home, "/ldap/alice");
}

TEST_F(PasswdDir, GetentNotFoundIsNoUserAndItsFailuresAreTemporary) {
  write(sources_.nsswitch_conf, "passwd: ldap\n");
  fake_getent("", 2);
  EXPECT_EQ(find_user_by_name("carol", sources_).error().kind, ErrorKind::no_user);
  fake_getent("", 1);
  EXPECT_EQ(find_user_by_name("carol", sources_).error().kind, ErrorKind::temporary);
  fake_getent("garbage\n", 0);
  EXPECT_EQ(find_user_by_name("carol", sources_).error().kind, ErrorKind::temporary);
  sources_.getent = dir_ + "/no-such-getent";
  EXPECT_EQ(find_user_by_name("carol", sources_).error().kind, ErrorKind::temporary);
}

// getent takes an all-digit key as a uid: an answer for another name is
// not this user.
TEST_F(PasswdDir, GetentAnswerForAnotherKeyIsNotTaken) {
  write(sources_.nsswitch_conf, "passwd: ldap\n");
  fake_getent("root:x:0:0::/root:/bin/sh\n", 0);
  EXPECT_EQ(find_user_by_name("0", sources_).error().kind, ErrorKind::no_user);
  EXPECT_EQ(find_user_by_uid(12, sources_).error().kind, ErrorKind::no_user);
  EXPECT_EQ(find_user_by_uid(0, sources_)->name, "root");
}

// An MTA may start us with SIGCHLD ignored (inherited through exec); then
// the kernel reaps getent itself and waitpid() could not tell its status.
TEST_F(PasswdDir, GetentWorksWhenSigchldIsIgnored) {
  write(sources_.nsswitch_conf, "passwd: ldap\n");
  fake_getent("carol:x:5:6::/home/carol:/bin/sh\n", 0);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old {};
  ASSERT_EQ(::sigaction(SIGCHLD, &ignore, &old), 0);
  auto carol = find_user_by_name("carol", sources_);
  struct sigaction now {};
  ::sigaction(SIGCHLD, &old, &now);
  ASSERT_TRUE(carol) << carol.error().message;
  EXPECT_EQ(carol->uid, 5U);
}

TEST_F(PasswdDir, UnreadablePasswdFileIsTemporary) {
  sources_.passwd_file = dir_ + "/missing";
  EXPECT_EQ(find_user_by_name("alice", sources_).error().kind, ErrorKind::temporary);
}

// The real getent(1), reached through a miss in an empty passwd file.
TEST_F(PasswdDir, RealGetentFindsRoot) {
  write(sources_.passwd_file, "");
  write(sources_.nsswitch_conf, "passwd: files systemd\n");
  auto root = find_user_by_name("root", sources_);
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->uid, 0U);
  EXPECT_EQ(find_user_by_name("no-such-user-mailroom", sources_).error().kind, ErrorKind::no_user);
}

// On this machine, every user glibc knows from /etc/passwd is found the
// same by name and by uid.
TEST(PasswdSystem, AgreesWithGlibc) {
  ::setpwent();
  while (passwd* pw = ::getpwent()) {  // NOLINT(concurrency-mt-unsafe): one thread
    auto ours = find_user_by_name(pw->pw_name);
    ASSERT_TRUE(ours) << pw->pw_name << ": " << ours.error().message;
    EXPECT_EQ(ours->uid, pw->pw_uid);
    EXPECT_EQ(ours->gid, pw->pw_gid);
    EXPECT_EQ(ours->home, pw->pw_dir);
    const passwd* by_uid = ::getpwuid(pw->pw_uid);  // NOLINT(concurrency-mt-unsafe)
    ASSERT_NE(by_uid, nullptr);
    EXPECT_EQ(find_user_by_uid(pw->pw_uid)->name, by_uid->pw_name);
  }
  ::endpwent();
}

}  // namespace
}  // namespace mailroom
