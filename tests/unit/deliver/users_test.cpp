#include "deliver/users.hpp"
#include "unit/skip_or_fail.hpp"
#include "unit/temp_files.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace mailroom::deliver {
namespace {

TEST(VirtualUsers, LineParses) {
  auto user = parse_virtual_user_line("alice:5000:5000:/srv/mail/alice/Maildir");
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->name, "alice");
  EXPECT_EQ(user->uid, 5000U);
  EXPECT_EQ(user->gid, 5000U);
  EXPECT_EQ(user->maildir, "/srv/mail/alice/Maildir");
}

TEST(VirtualUsers, BadLinesAreRefused) {
  for (const char* line :
       {"alice:5000:5000", "alice:x:5000:/m", "alice:1:-1:/m", "alice:1:1:relative", ":1:1:/m",
        "alice:1:1:/m:extra", "alice:99999999999:1:/m"})
    EXPECT_FALSE(parse_virtual_user_line(line)) << line;
}

TEST(VirtualUsers, LookupInFile) {
  std::string path = mailroom::test::removed_at_exit(testing::TempDir() + "/mailroom-users");
  std::ofstream(path) << "# users\n\nbob:6000:6001:/srv/bob\nalice:5000:5000:/srv/alice\n";
  UsersConfig config;
  config.virtual_file = path;
  config.system = false;
  auto alice = resolve_user("alice", config);
  ASSERT_TRUE(alice) << alice.error().message;
  EXPECT_EQ(alice->maildir, "/srv/alice");
  auto nobody = resolve_user("carol", config);
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().kind, ErrorKind::no_user);
  // A prefix of a name is not the name.
  EXPECT_FALSE(resolve_user("al", config));
}

// RFC 5321 §2.4: the domain in any case, the local part as configured.
TEST(VirtualUsers, DomainMatchesInAnyCaseLocalPartExactly) {
  std::string path = mailroom::test::removed_at_exit(testing::TempDir() + "/mailroom-users-case");
  std::ofstream(path) << "Vic@Example.ORG:6000:6001:/srv/vic\nplain:6002:6002:/srv/plain\n";
  UsersConfig config;
  config.virtual_file = path;
  config.system = false;
  for (const char* asked : {"Vic@example.org", "Vic@EXAMPLE.org", "Vic@Example.ORG"}) {
    auto vic = resolve_user(asked, config);
    ASSERT_TRUE(vic) << asked << ": " << vic.error().message;
    EXPECT_EQ(vic->maildir, "/srv/vic");
  }
  for (const char* asked : {"vic@example.org", "VIC@Example.ORG", "Vic@example.or", "Plain"}) {
    auto other = resolve_user(asked, config);
    ASSERT_FALSE(other) << asked;
    EXPECT_EQ(other.error().kind, ErrorKind::no_user) << asked;
  }
  EXPECT_TRUE(resolve_user("plain", config));
}

TEST(VirtualUsers, UnreadableFileIsTemporary) {
  UsersConfig config;
  config.virtual_file = "/nonexistent/users";
  auto user = resolve_user("alice", config);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().kind, ErrorKind::temporary);
}

TEST(SystemUsers, RootResolvesWithItsHome) {
  UsersConfig config;
  config.maildir = "~/Maildir";
  auto root = resolve_user("root", config);
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->uid, 0U);
  EXPECT_EQ(root->maildir, root->home + "/Maildir");
}

TEST(SystemUsers, UnknownUserIsNoUser) {
  auto user = resolve_user("no-such-user-mailroom", {});
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().kind, ErrorKind::no_user);
}

TEST(SystemUsers, NamesWithSlashesOrColonsAreNoUser) {
  EXPECT_EQ(resolve_user("../etc", {}).error().kind, ErrorKind::no_user);
  EXPECT_EQ(resolve_user("a:b", {}).error().kind, ErrorKind::no_user);
}

TEST(SystemUsers, MaildirPatternExpandsUserName) {
  UsersConfig config;
  config.maildir = "/var/mail/%u/Maildir";
  auto root = resolve_user("root", config);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->maildir, "/var/mail/root/Maildir");
}

// Sets (or, with nullptr, unsets) an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;  // NOLINT(concurrency-mt-unsafe)
    set(value);
  }
  ~ScopedEnv() { set(old_ ? old_->c_str() : nullptr); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void set(const char* value) {
    if (value != nullptr)
      ::setenv(name_, value, 1);  // NOLINT(concurrency-mt-unsafe)
    else
      ::unsetenv(name_);  // NOLINT(concurrency-mt-unsafe)
  }
  const char* name_;
  std::optional<std::string> old_;
};

class HomeDir {
 public:
  HomeDir() {
    std::string tmpl = ::testing::TempDir() + "mailroom-home.XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~HomeDir() { ::rmdir(path_.c_str()); }
  HomeDir(const HomeDir&) = delete;
  HomeDir& operator=(const HomeDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Without -d, as dovecot-lda: $USER and $HOME name the user, when HOME is
// a directory of ours.
TEST(CurrentUser, TakenFromUserAndHome) {
  HomeDir home;
  ASSERT_FALSE(home.path().empty());
  ScopedEnv user("USER", "carol");
  ScopedEnv logname("LOGNAME", nullptr);
  ScopedEnv home_env("HOME", home.path().c_str());
  UsersConfig config;
  config.maildir = "~/Maildir";
  auto found = current_user(config);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->name, "carol");
  EXPECT_EQ(found->uid, ::getuid());
  EXPECT_EQ(found->home, home.path());
  EXPECT_EQ(found->maildir, home.path() + "/Maildir");
}

TEST(CurrentUser, LognameWhenNoUser) {
  HomeDir home;
  ScopedEnv user("USER", nullptr);
  ScopedEnv logname("LOGNAME", "dave");
  ScopedEnv home_env("HOME", home.path().c_str());
  UsersConfig config;
  config.maildir = "/var/mail/%u";
  auto found = user_from_environment(config);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->maildir, "/var/mail/dave");
}

// A HOME that is relative, missing or somebody else's is not believed: the
// passwd entry of the real uid is used instead.
TEST(CurrentUser, UnbelievableHomeFallsBackToPasswd) {
  ScopedEnv user("USER", "carol");
  {
    ScopedEnv home_env("HOME", "relative/home");
    EXPECT_FALSE(user_from_environment({}));
  }
  {
    ScopedEnv home_env("HOME", "/nonexistent/mailroom-home");
    EXPECT_FALSE(user_from_environment({}));
  }
  {
    ScopedEnv home_env("HOME", nullptr);
    EXPECT_FALSE(user_from_environment({}));
    auto found = current_user({});
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_NE(found->name, "carol");  // from passwd
    EXPECT_EQ(found->uid, ::getuid());
  }
}

// A name -d would refuse is not believed either: with users.maildir
// "/var/mail/%u" it could name a path outside the mail directories.
TEST(CurrentUser, NameWithSlashIsNotBelieved) {
  HomeDir home;
  ScopedEnv user("USER", "../../etc");
  ScopedEnv home_env("HOME", home.path().c_str());
  UsersConfig config;
  config.maildir = "/var/mail/%u";
  EXPECT_FALSE(user_from_environment(config));
}

TEST(CurrentUser, HomeOwnedByAnotherUidIsNotBelieved) {
  if (::getuid() != 0) MAILROOM_SKIP_OR_FAIL() << "needs root to give the directory away";
  HomeDir home;
  ASSERT_EQ(::chown(home.path().c_str(), 65534, 65534), 0);
  ScopedEnv user("USER", "carol");
  ScopedEnv home_env("HOME", home.path().c_str());
  EXPECT_FALSE(user_from_environment({}));
}

}  // namespace
}  // namespace mailroom::deliver
