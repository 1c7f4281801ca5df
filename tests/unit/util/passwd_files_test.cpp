#include "mailroom/util/passwd_files.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
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
    for (const char* name : {"/passwd", "/nsswitch.conf", "/getent", "/getent.pid"})
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

  // A getent stand-in that runs `script` (sh) after writing its pid (which
  // is also its process group) to getent.pid.
  void scripted_getent(const std::string& script) {
    sources_.getent = dir_ + "/getent";
    write(sources_.getent, "#!/bin/sh\necho $$ >'" + dir_ + "/getent.pid'\n" + script + "\n");
    ASSERT_EQ(::chmod(sources_.getent.c_str(), 0755), 0);
  }
  // True when nothing of the fake getent's process group is left. What it
  // started is reparented and reaped by init once killed: allow for that.
  bool getent_group_is_gone() const {
    std::ifstream in(dir_ + "/getent.pid");
    pid_t group = 0;
    in >> group;
    for (int tries = 0; group > 0 && tries < 250; ++tries) {
      if (::kill(-group, 0) != 0 && errno == ESRCH) return true;
      ::usleep(20000);
    }
    return false;
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

// Issue 12 item 11: past the output limit, getent (blocked writing) and what
// it started are killed and reaped; the lookup is a tempfail. Before, the
// read stopped at 1 MiB and waitpid() waited forever for the blocked writer.
TEST_F(PasswdDir, GetentWritingWithoutEndIsKilledAndReaped) {
  write(sources_.nsswitch_conf, "passwd: ldap\n");
  sources_.getent_max_output = 64 << 10;
  scripted_getent("yes 'carol:x:5:6::/home/carol:/bin/sh' & wait");
  auto carol = find_user_by_name("carol", sources_);
  ASSERT_FALSE(carol);
  EXPECT_EQ(carol.error().kind, ErrorKind::temporary);
  EXPECT_NE(carol.error().message.find("more than 65536 bytes"), std::string::npos)
      << carol.error().message;
  EXPECT_TRUE(getent_group_is_gone());
}

// A getent that never answers (a hung NSS module) is killed, with what it
// started (its own process group), and reaped at its time limit.
TEST_F(PasswdDir, GetentThatHangsIsKilledAtItsTimeLimit) {
  write(sources_.nsswitch_conf, "passwd: ldap\n");
  sources_.getent_timeout = std::chrono::milliseconds(300);
  scripted_getent("sleep 60 & wait");
  auto carol = find_user_by_name("carol", sources_);
  ASSERT_FALSE(carol);
  EXPECT_EQ(carol.error().kind, ErrorKind::temporary);
  EXPECT_NE(carol.error().message.find("did not answer"), std::string::npos)
      << carol.error().message;
  EXPECT_TRUE(getent_group_is_gone());
}

// The watchdog's handler kills a running getent's group; the lookup then
// ends (tempfail) instead of waiting for it.
TEST_F(PasswdDir, WatchdogKillsARunningGetent) {
  write(sources_.nsswitch_conf, "passwd: ldap\n");
  scripted_getent("sleep 60 & wait");
  struct sigaction on_alarm {};
  on_alarm.sa_handler = [](int) { kill_lookup_helpers_from_signal_handler(); };
  struct sigaction old {};
  ASSERT_EQ(::sigaction(SIGALRM, &on_alarm, &old), 0);
  ::alarm(1);
  auto carol = find_user_by_name("carol", sources_);
  ::alarm(0);
  ::sigaction(SIGALRM, &old, nullptr);
  ASSERT_FALSE(carol);
  EXPECT_EQ(carol.error().kind, ErrorKind::temporary);
  EXPECT_TRUE(getent_group_is_gone());
}

// A long but finite answer is read to its end, not cut at a pipe's size.
TEST_F(PasswdDir, GetentAnswerIsReadToItsEnd) {
  write(sources_.nsswitch_conf, "passwd: ldap\n");
  scripted_getent(
      "printf 'carol:x:5:6::/home/carol:/bin/sh\\n'; head -c 200000 /dev/zero | tr '\\0' x");
  auto carol = find_user_by_name("carol", sources_);
  ASSERT_TRUE(carol) << carol.error().message;
  EXPECT_EQ(carol->uid, 5U);
  EXPECT_TRUE(getent_group_is_gone());
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

}  // namespace
}  // namespace mailroom
