// The parts of the Sieve stage that reach outside the message: the user's
// sieve.log, the trusted spam score, and redirect through sendmail.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "deliver/sieve_stage.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/text.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::deliver {
namespace {

constexpr std::string_view kRedirectedField = "X-Mailroom-Redirected";
constexpr std::string_view kScoreField = "X-Mailroom-Spam-Score";
constexpr std::string_view kForgedScoreField = "X-Mailroom-Forged-Spam-Score";

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

void rotate_if_full(const std::string& path, std::uint64_t max_size) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) >= max_size)
    (void)::rename(path.c_str(), (path + ".old").c_str());
}

// EINTR is the watchdog's: past the deadline, after a copy was linked, it
// interrupts what blocks every second (watchdog.hpp). Giving up then is
// what keeps a hung sendmail from hanging the delivery.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// "/usr/sbin/sendmail -oi -f %f -- %a" -> argv, %f and %a replaced.
std::vector<std::string> sendmail_argv(const std::string& command, const std::string& sender,
                                       const std::string& address) {
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
      argv.push_back(address);
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

void log_script_errors(const SieveConfig& config, const MailUser& user,
                       const std::vector<std::string>& errors) {
  if (errors.empty() || config.log.empty()) return;
  if (config.log[0] == '~' && user.home.empty()) return;
  std::string path = expand_user_path(config.log, user.home, user.name);
  if (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0)
    (void)::mkdir(path.substr(0, slash).c_str(), 0700);
  rotate_if_full(path, config.log_max_size);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  std::string lines;
  for (const auto& error : errors) lines += utc_now() + " " + error + "\n";
  if (!fd || !write_all(fd.get(), lines))
    log::warn("sieve log {} not written: {}", path, std::strerror(errno));
}

std::string spam_score_field(const message::Message& message, const std::string& trusted_header) {
  if (trusted_header.empty()) return {};
  const auto* field = message.find(trusted_header);
  if (field == nullptr) return {};
  std::string value = message::unfold(field->value);
  long score = 0;
  if (!value.empty() && value.find_first_not_of('*') == std::string::npos) {
    score = static_cast<long>(value.size());  // SpamAssassin's X-Spam-Level: one '*' a point
  } else {
    char* end = nullptr;
    double number = std::strtod(value.c_str(), &end);
    if (end == value.c_str()) return {};
    score = static_cast<long>(number);
  }
  // i;ascii-numeric reads "-3" as infinity (RFC 4790 §9.1.1): a ham score
  // must not look like spam.
  if (score < 0) score = 0;
  return std::string(kScoreField) + ": " + std::to_string(score) + "\n";
}

void hide_forged_spam_score(std::string& text, std::size_t ours) {
  std::size_t end = text.find("\n\n", ours);
  if (std::size_t crlf = text.find("\r\n\r\n", ours); crlf < end) end = crlf;
  if (end == std::string::npos) end = text.size();
  for (std::size_t line = ours; line < end;) {
    if (iequals(std::string_view(text).substr(line, kScoreField.size()), kScoreField) &&
        line + kScoreField.size() < text.size() && text[line + kScoreField.size()] == ':')
      text.replace(line, kScoreField.size(), kForgedScoreField);
    std::size_t next = text.find('\n', line);
    if (next == std::string::npos) break;
    line = next + 1;
  }
}

Status send_redirect(const SieveConfig& config, const message::Message& message,
                     const std::string& sender, const std::string& recipient,
                     const std::string& address) {
  const std::string ours = "<" + recipient + ">";
  for (const auto* field : message.find_all(kRedirectedField))
    if (iequals(message::unfold(field->value), ours)) {
      std::string why = "redirect to " + address;
      why.append(" refused: the message was already redirected by ").append(ours) += " (a loop)";
      return tl::unexpected(Error{ErrorKind::rejected, std::move(why), ELOOP});
    }
  std::string head(kRedirectedField);
  head.append(": ").append(ours) += '\n';
  return pipe_to(sendmail_argv(config.sendmail, sender, address), head, message.raw());
}

}  // namespace mailroom::deliver
