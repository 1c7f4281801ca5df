#include "deliver/privileges.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace mailroom::deliver {
namespace {

// In a child: a refusal must come before any privilege is given up, and a
// regression must not leave this test process without root.
int refusal_in_child(const MailUser& user, bool allow_gid_0) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    auto became = become_user(user, allow_gid_0);
    const bool still_as_before = ::geteuid() == ::getuid();
    ::_exit(!became && still_as_before &&
                    became.error().message.find(user.uid == 0 ? "as root" : "users.allow_gid_0") !=
                        std::string::npos
                ? 0
                : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Privileges, Uid0IsAlwaysRefused) {
  EXPECT_EQ(refusal_in_child(MailUser{"toor", 0, 100, "/root", "/root/Maildir"}, true), 0);
}

// Issue 12 item 4: gid 0 is refused like uid 0 unless users.allow_gid_0.
TEST(Privileges, Gid0IsRefusedUnlessAllowed) {
  EXPECT_EQ(refusal_in_child(MailUser{"wheel", 4321, 0, "/srv/w", "/srv/w/Maildir"}, false), 0);
}

}  // namespace
}  // namespace mailroom::deliver
