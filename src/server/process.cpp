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

void enter_child(std::initializer_list<int> keep, const LogConfig& log, std::uint64_t memory) {
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
  rlimit limit{memory, memory};
  ::setrlimit(RLIMIT_AS, &limit);
}

Status drop_privileges(const std::string& who, uid_t uid, gid_t gid, bool allow_gid_0) {
  if (uid == 0) return fail(ErrorKind::config, "refusing to serve " + who + " as root (uid 0)");
  if (gid == 0 && !allow_gid_0)
    return fail(ErrorKind::config, "refusing to serve " + who +
                                       " as group root (gid 0); set users.allow_gid_0 = true");
  if (::geteuid() != 0) {
    if (::geteuid() == uid && ::getuid() == uid) return ok();
    return fail(ErrorKind::config, "running as uid " + std::to_string(::geteuid()) +
                                       " cannot become " + who + ": run mailroom serve as root");
  }
  gid_t groups[] = {gid};
  if (::setgroups(1, groups) != 0) return fail_errno(ErrorKind::temporary, "setgroups", errno);
  if (::setresgid(gid, gid, gid) != 0) return fail_errno(ErrorKind::temporary, "setresgid", errno);
  if (::setresuid(uid, uid, uid) != 0) return fail_errno(ErrorKind::temporary, "setresuid", errno);
  if (::setuid(0) == 0 || ::geteuid() == 0)
    return fail(ErrorKind::internal, "privileges could be regained after dropping them");
  return ok();
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
