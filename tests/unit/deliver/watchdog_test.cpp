// The watchdog in a child process (it exits the process or re-arms alarms).
#include "deliver/watchdog.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mailroom/deliver/exit_code.hpp"
#include "mailroom/maildir/delivery.hpp"

namespace mailroom::deliver {
namespace {

class Watchdog : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "/mailroom-watchdog-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fifo_ = dir_ + "/fifo";
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
  }
  void TearDown() override {
    std::string command = "rm -rf '" + dir_ + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);  // NOLINT(cert-env33-c): our scratch dir
  }

  // Runs `body` in a child; its exit status, or -1 when it still ran after
  // 10 s (then it is killed): a hang.
  template <class Body>
  static int in_child(Body body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      body();
      ::_exit(99);
    }
    for (int waited = 0; waited < 1000; ++waited) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid)
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      ::usleep(10000);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
  }

  // Stages one message in dir_/Maildir, links it when `link` is set, then blocks on the FIFO (as
  // the quota bookkeeping did on a swapped maildirsize). Exits 0 when the open was interrupted.
  void deliver_then_block(bool link) const {
    maildir::Options options;
    options.fsync = false;
    watchdog::arm(std::chrono::seconds(1));
    auto md = maildir::Maildir::open(dir_ + "/Maildir", options);
    if (!md) ::_exit(98);
    maildir::Delivery delivery(*md);
    std::string_view piece = "Subject: watchdog\n\nbody\n";
    if (!delivery.stage(md->inbox(), std::span<const std::string_view>(&piece, 1))) ::_exit(97);
    if (link && !delivery.commit().any_delivered()) ::_exit(96);
    const int fd = ::open(fifo_.c_str(), O_RDONLY);  // blocks: nobody writes
    ::_exit(fd < 0 && errno == EINTR ? 0 : 95);
  }

  bool is_empty(const std::string& sub) const {
    std::string command = "test $(ls -A '" + dir_ + "/Maildir/" + sub + "' | wc -l) -eq 0";
    return std::system(command.c_str()) == 0;  // NOLINT(cert-env33-c): our scratch dir
  }

  std::string dir_;
  std::string fifo_;
};

// Before a link the deadline is exit 75 with nothing left in tmp/, even
// once staging is done (before, the commit switched the deadline off and
// the process hung).
TEST_F(Watchdog, BeforeTheLinkTheDeadlineExits75) {
  EXPECT_EQ(in_child([&] { deliver_then_block(false); }), kExitTempFail);
  EXPECT_TRUE(is_empty("tmp"));
  EXPECT_TRUE(is_empty("new"));
}

// After a link the deadline never exits 75 (the MTA would deliver again);
// it interrupts what still blocks, so the delivery ends (issue 12 item 6:
// before, a FIFO here held the process forever).
TEST_F(Watchdog, AfterTheLinkItInterruptsInsteadOfExiting) {
  EXPECT_EQ(in_child([&] { deliver_then_block(true); }), 0);
  EXPECT_FALSE(is_empty("new"));
}

// Armed again, as an LMTP session does for each message (the handler is
// installed by the first call only): the deadline still exits 75.
TEST_F(Watchdog, ArmedAgainTheDeadlineStillExits75) {
  EXPECT_EQ(in_child([&] {
              watchdog::arm(std::chrono::seconds(30));
              deliver_then_block(false);  // arms 1 s
            }),
            kExitTempFail);
  EXPECT_TRUE(is_empty("tmp"));
}

}  // namespace
}  // namespace mailroom::deliver
