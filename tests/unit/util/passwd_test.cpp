// The system lookup of whichever build this is: glibc's NSS (dynamic) or
// the own reader (static, passwd_files_test.cpp tests it in detail).
#include "mailroom/util/passwd.hpp"

#include <gtest/gtest.h>
#include <pwd.h>

namespace mailroom {
namespace {

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

TEST(PasswdSystem, UnknownNameAndUidAreNoUser) {
  auto name = find_user_by_name("no-such-user-mailroom");
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().kind, ErrorKind::no_user);
  auto uid = find_user_by_uid(4000000000U);
  ASSERT_FALSE(uid);
  EXPECT_EQ(uid.error().kind, ErrorKind::no_user);
}

// users.maildir, sieve.script and sieve.log, for deliver and serve alike.
TEST(ExpandUserPath, LeadingTildeIsHomeAndPercentUIsTheName) {
  EXPECT_EQ(expand_user_path("~/Maildir", "/home/bob", "bob"), "/home/bob/Maildir");
  EXPECT_EQ(expand_user_path("/srv/mail/%u/Maildir", "/home/bob", "bob"), "/srv/mail/bob/Maildir");
  EXPECT_EQ(expand_user_path("~/%u/%u", "/h", "b"), "/h/b/b");
  EXPECT_EQ(expand_user_path("/a/~b", "/h", "b"), "/a/~b");  // only a leading ~
  EXPECT_EQ(expand_user_path("/a/%x%", "/h", "b"), "/a/%x%");
  EXPECT_EQ(expand_user_path("%%u%u%", "/h", "b"), "%bb%");
  EXPECT_EQ(expand_user_path("~%u~", "/h", "b"), "/hb~");
  EXPECT_EQ(expand_user_path("~", "/h", "b"), "/h");
  EXPECT_EQ(expand_user_path("", "/h", "b"), "");
}

}  // namespace
}  // namespace mailroom
