#include "server/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "mailroom/util/log.hpp"

namespace mailroom::server {

void enter_child(std::initializer_list<int> keep, const LogConfig& log, std::uint64_t memory,
                 std::uint64_t headroom) {
  LogConfig to_stderr = log;
  to_stderr.target = log.target == "none" ? "none" : "stderr";
  log::init(to_stderr);  // closes the syslog socket while its number is still its own
  std::vector<int> high;
  for (int fd : keep) high.push_back(::fcntl(fd, F_DUPFD_CLOEXEC, 100));
  int next = 3;
  for (int fd : high) ::dup2(fd, next++);  // dup2 clears close-on-exec: nothing is exec'd anyway
  ::close_range(static_cast<unsigned>(next), ~0U, 0);
  for (int number : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) ::signal(number, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is an error value, not a signal
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  rlimit limit{memory, memory + headroom};
  ::setrlimit(RLIMIT_AS, &limit);
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

ssize_t send_with_fds(int socket, std::string_view bytes, std::initializer_list<int> fds) {
  iovec io{const_cast<char*>(bytes.data()), bytes.size()};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * 2)> control{};
  if (fds.size() > 0 && fds.size() <= 2) {
    message.msg_control = control.data();
    message.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.begin(), sizeof(int) * fds.size());
  }
  ssize_t n = 0;
  do {
    n = ::sendmsg(socket, &message, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

ssize_t receive_with_fds(int socket, char* buffer, std::size_t size, UniqueFd& first,
                         UniqueFd& second) {
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * 2)> control{};
  iovec io{buffer, size};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  ssize_t n = 0;
  do {
    n = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (i == 0) {
        first.reset(fd);
      } else if (i == 1) {
        second.reset(fd);
      } else {
        ::close(fd);
      }
    }
  }
  return n;
}

}  // namespace mailroom::server
