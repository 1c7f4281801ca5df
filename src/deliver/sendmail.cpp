// Running sieve.sendmail (sendmail.hpp).
#include "deliver/sendmail.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::deliver {
namespace {

// "/usr/sbin/sendmail -oi -f %f -- %a" -> argv, %f and %a replaced.
std::vector<std::string> sendmail_argv(const std::string& command, const std::string& sender,
                                       const std::vector<std::string>& recipients) {
  std::vector<std::string> argv;
  std::vector<std::string_view> words;
  std::string_view rest = command;
  while (!rest.empty()) {
    auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    auto stop = std::min(rest.find(' ', start), rest.size());
    words.push_back(rest.substr(start, stop - start));
    rest.remove_prefix(stop);
  }
  for (auto word : words) {
    if (word == "%f") {
      argv.push_back(sender);
    } else if (word == "%a") {
      argv.insert(argv.end(), recipients.begin(), recipients.end());
    } else {
      argv.emplace_back(word);
    }
  }
  return argv;
}

// Runs argv with `head` and `body` on its standard input; true on exit 0.
Status pipe_to(const std::vector<std::string>& argv, std::string_view head, std::string_view body) {
  if (argv.empty()) return fail(ErrorKind::config, "sieve.sendmail is empty");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail_errno(ErrorKind::temporary, "pipe", errno);
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) return fail_errno(ErrorKind::temporary, "fork", errno);
  if (pid == 0) {
    // Its output must not reach the MTA reading ours.
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(read_end.get(), STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  read_end = UniqueFd();
  bool written = write_all(write_end.get(), head) && write_all(write_end.get(), body);
  write_end = UniqueFd();
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) {  // interrupted by the watchdog: end it
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (!written || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail(ErrorKind::temporary,
                argv[0] + " failed (" +
                    (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                       : std::string("killed")) +
                    ")");
  return ok();
}

}  // namespace

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Status run_sendmail(const std::string& command, const std::string& sender,
                    const std::vector<std::string>& recipients, std::string_view head,
                    std::string_view body) {
  return pipe_to(sendmail_argv(command, sender, recipients), head, body);
}

}  // namespace mailroom::deliver
