#include "server/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
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

}  // namespace mailroom::server
