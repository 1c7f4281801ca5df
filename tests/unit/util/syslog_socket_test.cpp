#include "util/syslog_socket.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <string>

namespace mailroom::log::detail {
namespace {

// A stand-in for journald or rsyslog: a socket bound at a path of its own
// (ctest runs the tests of this binary in parallel).
class Receiver {
 public:
  explicit Receiver(int type = SOCK_DGRAM) : type_(type) {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    path_ = testing::TempDir() + "/mr-log-" + std::to_string(::getpid()) + "-" + test->name();
    bind();
  }
  ~Receiver() { close(); }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }

  void close() {
    if (peer_ >= 0) ::close(peer_);
    if (fd_ >= 0) ::close(fd_);
    peer_ = fd_ = -1;
    ::unlink(path_.c_str());
  }
  void bind() {
    fd_ = ::socket(AF_UNIX, type_ | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    ::unlink(path_.c_str());
    ASSERT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0)
        << path_ << ": " << std::strerror(errno);
    if (type_ == SOCK_STREAM) ASSERT_EQ(::listen(fd_, 4), 0);
  }
  // One message as it arrived, or "" when none is waiting.
  std::string take() {
    int from = fd_;
    if (type_ == SOCK_STREAM) {
      if (peer_ < 0) peer_ = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      from = peer_;
    }
    std::array<char, 4096> buffer{};
    const ssize_t n = ::recv(from, buffer.data(), buffer.size(), MSG_DONTWAIT);
    return n > 0 ? std::string(buffer.data(), static_cast<std::size_t>(n)) : std::string();
  }

 private:
  int type_;
  std::string path_;
  int fd_ = -1;
  int peer_ = -1;
};

std::string tag() { return "mailroom[" + std::to_string(::getpid()) + "]: "; }

TEST(SyslogSocket, SendsPriorityTagAndTextWithoutATimestamp) {
  Receiver receiver;
  SyslogSocket socket("mailroom", LOG_MAIL, receiver.path());
  ASSERT_TRUE(socket.send(Severity::info, "delivered to=<a@example.org>"));
  // LOG_MAIL (2 << 3) | LOG_INFO (6) = 22
  EXPECT_EQ(receiver.take(), "<22>" + tag() + "delivered to=<a@example.org>");
  ASSERT_TRUE(socket.send(Severity::warning, "second"));
  EXPECT_EQ(receiver.take(), "<20>" + tag() + "second");
}

TEST(SyslogSocket, SeveritiesAreTheSyslogNumbers) {
  SyslogSocket socket("x", LOG_MAIL, "/nonexistent/log");
  EXPECT_EQ(socket.format(Severity::crit, "m").substr(0, 4), "<18>");
  EXPECT_EQ(socket.format(Severity::err, "m").substr(0, 4), "<19>");
  EXPECT_EQ(socket.format(Severity::debug, "m").substr(0, 4), "<23>");
}

TEST(SyslogSocket, NoReceiverIsNotAnError) {
  SyslogSocket socket("mailroom", LOG_MAIL, testing::TempDir() + "/mr-log-nobody-listens");
  EXPECT_FALSE(socket.send(Severity::info, "lost, and that is fine"));
}

TEST(SyslogSocket, ReconnectsWhenTheReceiverIsRestarted) {
  Receiver receiver;
  SyslogSocket socket("mailroom", LOG_MAIL, receiver.path());
  ASSERT_TRUE(socket.send(Severity::info, "before"));
  EXPECT_EQ(receiver.take(), "<22>" + tag() + "before");
  receiver.close();
  receiver.bind();
  ASSERT_TRUE(socket.send(Severity::info, "after"));
  EXPECT_EQ(receiver.take(), "<22>" + tag() + "after");
}

TEST(SyslogSocket, FallsBackToAStreamReceiverWithNulTerminatedMessages) {
  Receiver receiver(SOCK_STREAM);
  SyslogSocket socket("mailroom", LOG_MAIL, receiver.path());
  ASSERT_TRUE(socket.send(Severity::err, "on a stream"));
  EXPECT_EQ(receiver.take(), "<19>" + tag() + "on a stream" + std::string(1, '\0'));
}

}  // namespace
}  // namespace mailroom::log::detail
