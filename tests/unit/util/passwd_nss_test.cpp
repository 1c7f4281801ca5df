// The dynamic build only (MAILROOM_STATIC=OFF, the sanitizer build): user
// lookups go through glibc's NSS in this process, never through getent(1).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>

#include "mailroom/util/passwd.hpp"

namespace mailroom {
namespace {

std::atomic<int> g_children_ended{0};

// The static build's reader runs getent for a name /etc/passwd lacks when
// nsswitch.conf names other services after files (Debian: "files systemd");
// through NSS no child process is started, so no SIGCHLD arrives.
TEST(PasswdNss, AMissStartsNoHelperProcess) {
  struct sigaction count {};
  count.sa_handler = [](int) { g_children_ended.fetch_add(1); };
  sigemptyset(&count.sa_mask);
  struct sigaction old {};
  ASSERT_EQ(::sigaction(SIGCHLD, &count, &old), 0);
  auto missing = find_user_by_name("no-such-user-mailroom-nss");
  auto root = find_user_by_uid(0);
  ::sigaction(SIGCHLD, &old, nullptr);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::no_user);
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->name, "root");
  EXPECT_EQ(g_children_ended.load(), 0);
}

}  // namespace
}  // namespace mailroom
