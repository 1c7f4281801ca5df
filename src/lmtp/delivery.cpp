#include "lmtp/delivery.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "lmtp/worker.hpp"
#include "mailroom/deliver/deliver.hpp"
#include "mailroom/deliver/exit_code.hpp"
#include "mailroom/deliver/recipient.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::lmtp {
namespace {

constexpr int kReportFd = 3;  // the delivery process writes "STATUS\tREASON" here

// The MTA's environment that deliver would otherwise read for a missing
// flag: a delivery over LMTP takes its envelope from the transaction only.
constexpr const char* kEnvelopeVariables[] = {"SENDER",         "RECIPIENT",   "ORIGINAL_RECIPIENT",
                                              "RETURN_PATH",    "EXTENSION",   "LOCAL_PART_SUFFIX",
                                              "CLIENT_ADDRESS", "CLIENT_HELO", "CLIENT_HOSTNAME",
                                              "USER",           "LOGNAME",     "HOME"};

Result<UniqueFd> message_file(const std::string& data) {
  // Unnamed and in memory: nothing to clean up if we are killed.
  UniqueFd fd(::memfd_create("mailroom-lmtp-message", MFD_CLOEXEC));
  if (!fd) return fail_errno(ErrorKind::temporary, "memfd_create", errno);
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_errno(ErrorKind::temporary, "writing the message", errno);
    written += static_cast<std::size_t>(n);
  }
  return fd;
}

// In the child: stdin is the message (a descriptor of its own, so that
// recipients delivered side by side do not share a file offset), fd 3 the
// report pipe, nothing else of the session stays open.
[[noreturn]] void run_child(const Transaction& message, const Recipient& recipient,
                            const deliver::MailUser* found, const Config& config,
                            Counters* counters, int message_fd, int report_fd) {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  for (int number : {SIGTERM, SIGHUP, SIGCHLD, SIGINT}) ::sigaction(number, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  const std::string path = "/proc/self/fd/" + std::to_string(message_fd);
  int input = ::open(path.c_str(), O_RDONLY);
  if (input < 0 || ::dup2(input, STDIN_FILENO) < 0 || ::dup2(report_fd, kReportFd) < 0)
    ::_exit(deliver::kExitTempFail);
  ::syscall(SYS_close_range, kReportFd + 1, ~0U, 0);
  log::init(config.log);  // its syslog socket was closed with the rest
  for (const char* name : kEnvelopeVariables) ::unsetenv(name);  // NOLINT(concurrency-mt-unsafe)
  if (!message.client.name.empty())
    ::setenv("CLIENT_HOSTNAME", message.client.name.c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
  deliver::Request request;
  request.user = recipient.user;
  if (found != nullptr) request.looked_up = *found;
  request.sender = message.sender;
  request.original_recipient = recipient.original;
  request.final_recipient = recipient.address;
  request.client_address = message.client.addr;
  request.client_helo = message.client.helo;
  request.from_line = false;  // DATA is the message itself (RFC 2033 §4.2)
  auto outcome = deliver::deliver(request, config);
  count_stages(counters, outcome.stages);  // the shared page is mapped here too
  std::string report = std::string(outcome.status) + "\t" + outcome.reason;
  [[maybe_unused]] auto sent = ::write(kReportFd, report.data(), report.size());
  log::flush();
  ::_exit(outcome.exit_code);
}

struct Child {
  pid_t pid = -1;
  UniqueFd report;
};

Child start(const Transaction& message, const Recipient& recipient, const deliver::MailUser* found,
            const Config& config, Counters* counters, int message_fd) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {};
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  pid_t pid = ::fork();
  if (pid == 0) run_child(message, recipient, found, config, counters, message_fd, write_end.get());
  return {pid, pid > 0 ? std::move(read_end) : UniqueFd()};
}

// Reads the child's report up to its end, for at most the delivery
// deadline and a minute: deliver's own watchdog ends it before, unless
// something is badly wrong; then it is killed and the recipient deferred.
std::string read_report(Child& child, std::chrono::seconds deadline) {
  std::string report;
  const auto until = std::chrono::steady_clock::now() + deadline + std::chrono::seconds(60);
  char buffer[512];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(child.pid, SIGKILL);
      break;
    }
    pollfd ready{child.report.get(), POLLIN, 0};
    int n = ::poll(&ready, 1, static_cast<int>(std::min<long>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    ssize_t got = ::read(child.report.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (report.size() < 4096) report.append(buffer, static_cast<std::size_t>(got));
  }
  return report;
}

Reply finish(Child& child, const Recipient& recipient, std::chrono::seconds deadline) {
  std::string report = read_report(child, deadline);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status)) {
    log::error("lmtp: delivery process for <{}> ended by signal {}", recipient.address,
               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return {451, "4.3.0", "delivery process crashed, try again later"};
  }
  auto tab = report.find('\t');
  std::string_view status_code = std::string_view(report).substr(0, tab);
  std::string_view reason =
      tab == std::string::npos ? std::string_view{} : std::string_view(report).substr(tab + 1);
  return reply_for(WEXITSTATUS(status), status_code, reason);
}

std::string_view or_default(std::string_view given, std::string_view fallback) {
  return given.empty() ? fallback : given;
}

}  // namespace

std::string user_for(std::string_view address, const Config& config) {
  if (config.lmtp.user_name == "address") return std::string(address);
  auto local = address.substr(0, address.rfind('@'));
  auto detail = local.find(config.deliver.detail_separator);
  return std::string(local.substr(0, detail));
}

std::optional<Reply> check_recipient(std::string_view address, const Config& config,
                                     UserCache& users, std::string& user, LookedUp& looked_up) {
  user = user_for(address, config);
  auto found = users.find(user);
  if (found) {
    looked_up.insert_or_assign(user, std::move(*found));
    return std::nullopt;
  }
  if (found.error().kind == ErrorKind::no_user)
    return Reply{550, "5.1.1", "<" + std::string(address) + ">: no such user"};
  log::warn("lmtp: looking up <{}>: {}", address, found.error().message);
  return Reply{451, "4.3.0", "<" + std::string(address) + ">: user lookup failed, try again later"};
}

Reply reply_for(int exit_code, std::string_view status, std::string_view reason) {
  auto text = [&](std::string_view fallback) { return std::string(or_default(reason, fallback)); };
  switch (exit_code) {
    case deliver::kExitOk:
      return {250, "2.0.0", "delivered"};
    case deliver::kExitNoUser:
      return {550, std::string(or_default(status, "5.1.1")), text("no such user")};
    case deliver::kExitDataErr:
      return {554, std::string(or_default(status, "5.6.0")), text("not a message")};
    case deliver::kExitNoPerm: {
      // RFC 3463 codes deliver attached: over quota and too large are 552
      // (RFC 5321 §4.2.3: exceeded storage allocation), a loop 554.
      std::string code(or_default(status, "5.7.1"));
      int reply = code == "5.2.2" || code == "5.3.4" ? 552 : code == "5.4.6" ? 554 : 550;
      return {reply, code, text("rejected")};
    }
    default:
      break;
  }
  // 75 and anything unexpected: try again. A 4.2.x status is about the
  // mailbox (over quota): 450, mailbox unavailable; else 451, local error.
  std::string code(or_default(status, "4.3.0"));
  if (code.empty() || code[0] != '4') code = "4.3.0";
  return {code.compare(0, 3, "4.2") == 0 ? 450 : 451, code, text("try again later")};
}

const deliver::MailUser* looked_up_user(const LookedUp& looked_up, const std::string& user) {
  auto found = looked_up.find(user);
  return found == looked_up.end() ? nullptr : &found->second;
}

std::vector<Reply> deliver_all(const Transaction& message, const Config& config, Counters* counters,
                               const LookedUp& looked_up, WorkerPool* workers) {
  if (workers != nullptr) return workers->deliver(message, looked_up);
  std::vector<Reply> replies(message.recipients.size());
  auto file = message_file(message.data);
  if (!file) {
    log::error("lmtp: {}", file.error().message);
    for (auto& reply : replies) reply = {451, "4.3.0", "cannot spool the message, try again later"};
    return replies;
  }
  std::vector<Child> children;
  children.reserve(message.recipients.size());
  for (const auto& recipient : message.recipients)
    children.push_back(start(message, recipient, looked_up_user(looked_up, recipient.user), config,
                             counters, file->get()));
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (children[i].pid <= 0) {
      replies[i] = {451, "4.3.0", "cannot start a delivery process, try again later"};
      continue;
    }
    replies[i] = finish(children[i], message.recipients[i], config.deliver.deadline);
  }
  return replies;
}

}  // namespace mailroom::lmtp
