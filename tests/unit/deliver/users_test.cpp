#include "deliver/users.hpp"

#include <gtest/gtest.h>

#include <fstream>
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
  std::string path = testing::TempDir() + "/mailroom-users";
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

// A passwd entry larger than the first buffer (a big LDAP entry) is read
// with a larger one, not reported as a failure.
TEST(SystemUsers, PasswdBufferGrowsOnErange) {
  std::vector<std::size_t> sizes;
  auto entry = detail::lookup_passwd([&](passwd* pw, char* buf, std::size_t size, passwd** found) {
    sizes.push_back(size);
    if (size < 4 * detail::kFirstPasswdBuffer) return ERANGE;
    buf[0] = 'x';
    buf[1] = '\0';
    pw->pw_name = buf;
    *found = pw;
    return 0;
  });
  ASSERT_TRUE(entry.found);
  EXPECT_STREQ(entry.pw.pw_name, "x");
  EXPECT_EQ(sizes,
            (std::vector<std::size_t>{detail::kFirstPasswdBuffer, 2 * detail::kFirstPasswdBuffer,
                                      4 * detail::kFirstPasswdBuffer}));
}

TEST(SystemUsers, PasswdBufferStopsGrowingAtItsLimit) {
  std::size_t largest = 0;
  auto entry = detail::lookup_passwd([&](passwd*, char*, std::size_t size, passwd**) {
    largest = size;
    return ERANGE;
  });
  EXPECT_FALSE(entry.found);
  EXPECT_EQ(entry.rc, ERANGE);
  EXPECT_EQ(largest, detail::kMaxPasswdBuffer);
}

}  // namespace
}  // namespace mailroom::deliver
