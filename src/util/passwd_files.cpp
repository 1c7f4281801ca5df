// The static build's user lookup: /etc/passwd as glibc's files module reads
// it, getent(1) for every other NSS service (passwd_files.hpp).
#include "mailroom/util/passwd_files.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/util/fields.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/text.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom {
namespace {

constexpr std::size_t kMaxPasswdFile = std::size_t{256} << 20;
constexpr std::size_t kMaxNsswitch = std::size_t{1} << 20;

// The process group of the getent now running (0: none), for the watchdog.
std::atomic<pid_t> g_getent_group{0};
static_assert(std::atomic<pid_t>::is_always_lock_free);

// getent(1) exit status for "no such key" (glibc nss/getent.c).
constexpr int kGetentNotFound = 2;

// Calls each(line) for every line of `text` until it returns true.
template <class Each>
bool for_each_line(std::string_view text, Each each) {
  while (!text.empty()) {
    const auto lf = text.find('\n');
    if (each(text.substr(0, lf))) return true;
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
  }
  return false;
}

std::string lower_without_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\t') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out.push_back(c);
  }
  return out;
}

// "[NOTFOUND=return]" after files: a miss there is final (nsswitch.conf(5)).
// "[!NOTFOUND=return]" is the opposite (return on anything else).
bool ends_the_search_on_miss(std::string_view action_group) {
  const std::string group = lower_without_spaces(action_group);
  constexpr std::string_view kItem = "notfound=return";
  for (auto at = group.find(kItem); at != std::string::npos; at = group.find(kItem, at + 1)) {
    if (at == 0 || group[at - 1] != '!') return true;
  }
  return false;
}

// The words after "passwd:", with "[...]" action groups kept as one word.
std::vector<std::string> passwd_words(std::string_view text) {
  std::vector<std::string> words;
  for_each_line(text, [&](std::string_view line) {
    line = trim_space(line.substr(0, line.find('#')));
    if (!line.starts_with("passwd")) return false;
    std::string_view rest = trim_space(line.substr(6));
    if (!rest.starts_with(':')) return false;
    rest.remove_prefix(1);
    while (!(rest = trim_space(rest)).empty()) {
      const bool action = rest.front() == '[';
      auto end = action ? rest.find(']') : rest.find_first_of(" \t[");
      if (action && end != std::string_view::npos) ++end;
      words.emplace_back(rest.substr(0, end));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    return true;  // the first "passwd:" line counts, as in glibc
  });
  return words;
}

// The first matching line of the passwd file, nullopt if none.
template <class Match>
Result<std::optional<PasswdEntry>> search_passwd_file(const std::string& path, Match match) {
  auto text = read_whole_file(path, kMaxPasswdFile, ErrorKind::temporary);
  if (!text) return tl::unexpected(text.error());
  std::optional<PasswdEntry> found;
  for_each_line(*text, [&](std::string_view line) {
    auto entry = parse_passwd_line(line);
    if (entry && match(*entry)) found = std::move(*entry);
    return found.has_value();
  });
  return found;
}

// An MTA may start us with SIGCHLD ignored, and that survives exec: the
// kernel would then reap getent itself and waitpid() fail with ECHILD, so
// every lookup would be retried forever. We wait for our own children only.
void reap_children_ourselves() {
  struct sigaction current {};
  if (::sigaction(SIGCHLD, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) {
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    (void)::sigaction(SIGCHLD, &fallback, nullptr);
  }
}

// getent in its own process group (so a hung NSS module and whatever it
// started can be killed together), stdout into `out_fd`, no environment.
Result<pid_t> spawn_getent(const std::string& getent, const std::string& key, int out_fd) {
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  ::posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  ::posix_spawnattr_setpgroup(&attributes, 0);
  const char* argv[] = {"getent", "passwd", "--", key.c_str(), nullptr};
  const char* envp[] = {nullptr};
  pid_t pid = 0;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): posix_spawn's char* const[]
  const int rc = ::posix_spawn(&pid, getent.c_str(), &actions, &attributes,
                               const_cast<char**>(argv), const_cast<char**>(envp));
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attributes);
  if (rc != 0) return fail_errno(ErrorKind::temporary, "running " + getent, rc);
  g_getent_group.store(pid, std::memory_order_release);
  return pid;
}

// Reads getent's whole output until EOF; an error past `max_bytes` or
// `timeout` (the caller then kills it: it may be blocked writing).
Status read_getent_output(int fd, const PasswdSources& sources, std::string& out) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + sources.getent_timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0)
      return fail(ErrorKind::temporary, "getent passwd did not answer within " +
                                            std::to_string(sources.getent_timeout.count()) +
                                            " ms (the name service may be down)");
    pollfd ready{fd, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left));
    if (polled < 0 && errno != EINTR) return fail_errno(ErrorKind::temporary, "poll", errno);
    if (polled <= 0) continue;
    out.reserve(out.size() + 4096);
    const std::size_t room = out.capacity() - out.size();
    const std::size_t old = out.size();
    out.resize(old + room);
    const ssize_t n = ::read(fd, out.data() + old, room);
    const int err = errno;
    out.resize(old + static_cast<std::size_t>(n > 0 ? n : 0));
    if (n == 0) return ok();
    if (n < 0 && err != EINTR && err != EAGAIN)
      return fail_errno(ErrorKind::temporary, "reading getent", err);
    if (out.size() > sources.getent_max_output)
      return fail(ErrorKind::temporary, "getent passwd wrote more than " +
                                            std::to_string(sources.getent_max_output) +
                                            " bytes (a broken name service?)");
  }
}

// Waits for getent; on `kill_first` its whole process group is killed
// before, so the wait cannot block.
Status reap_getent(pid_t pid, bool kill_first, int& status) {
  if (kill_first) (void)::kill(-pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      g_getent_group.store(0, std::memory_order_release);
      return fail_errno(ErrorKind::temporary, "waiting for getent", errno);
    }
  }
  g_getent_group.store(0, std::memory_order_release);
  // A helper it left behind in its group has nothing more to say to us.
  (void)::kill(-pid, SIGKILL);
  return ok();
}

// Runs `getent passwd -- key`: its whole stdout, or an error. The child is
// always reaped, killed first when it wrote too much or took too long.
Result<std::string> run_getent(const PasswdSources& sources, const std::string& key, int& status) {
  reap_children_ourselves();
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail_errno(ErrorKind::temporary, "pipe", errno);
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  auto pid = spawn_getent(sources.getent, key, write_end.get());
  if (!pid) return tl::unexpected(pid.error());
  write_end.reset();
  std::string out;
  auto read = read_getent_output(read_end.get(), sources, out);
  read_end.reset();
  if (auto reaped = reap_getent(*pid, !read, status); !reaped)
    return tl::unexpected(reaped.error());
  if (!read) return tl::unexpected(read.error());
  return out;
}

// Asks getent; `expected(entry)` guards against its answer being for another
// key (an all-digit name is taken as a uid by getent).
template <class Expected>
Result<PasswdEntry> ask_getent(const PasswdSources& sources, const std::string& key,
                               Expected expected) {
  int status = 0;
  auto out = run_getent(sources, key, status);
  if (!out) return tl::unexpected(out.error());
  const std::string what = "user " + key;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kGetentNotFound)
    return fail(ErrorKind::no_user, "no such user: " + key);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail(ErrorKind::temporary,
                "getent passwd failed for " + what + " (the name service may be down)");
  auto entry = parse_passwd_line(out->substr(0, out->find('\n')));
  if (!entry) return fail(ErrorKind::temporary, "getent passwd: unreadable answer for " + what);
  if (!expected(*entry)) return fail(ErrorKind::no_user, "no such user: " + key);
  return entry;
}

PasswdPlan read_plan(const PasswdSources& sources) {
  auto text = read_whole_file(sources.nsswitch_conf, kMaxNsswitch, ErrorKind::temporary);
  // No nsswitch.conf: glibc's default for passwd is "files".
  return text ? plan_from_nsswitch(*text) : PasswdPlan{};
}

template <class Match>
Result<PasswdEntry> find_user(const PasswdSources& sources, const std::string& key, Match match) {
  const PasswdPlan plan = read_plan(sources);
  if (plan.files_first) {
    auto found = search_passwd_file(sources.passwd_file, match);
    if (!found) return tl::unexpected(found.error());
    if (*found) return std::move(**found);
    if (!plan.ask_getent_on_miss) return fail(ErrorKind::no_user, "no such user: " + key);
  }
  return ask_getent(sources, key, match);
}

}  // namespace

PasswdPlan plan_from_nsswitch(std::string_view nsswitch_text) {
  const std::vector<std::string> words = passwd_words(nsswitch_text);
  if (words.empty()) return {};
  PasswdPlan plan;
  plan.files_first = words.front() == "files";
  if (!plan.files_first) return plan;
  std::size_t next = 1;
  for (; next < words.size() && words[next].starts_with('['); ++next) {
    if (ends_the_search_on_miss(words[next])) return plan;
  }
  plan.ask_getent_on_miss = next < words.size();
  return plan;
}

Result<PasswdEntry> parse_passwd_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto fields = split_fields(line, ':');
  if (fields.size() != 7) return fail(ErrorKind::parse, "passwd line without 7 fields");
  // Comments and NIS compat entries ("+", "-name") are not users.
  if (fields[0].empty() || fields[0].front() == '#' || fields[0].front() == '+' ||
      fields[0].front() == '-')
    return fail(ErrorKind::parse, "not a user entry");
  PasswdEntry entry;
  entry.name = std::string(fields[0]);
  if (!parse_id(fields[2], entry.uid) || !parse_id(fields[3], entry.gid))
    return fail(ErrorKind::parse, "bad uid or gid");
  entry.home = std::string(fields[5]);
  return entry;
}

void kill_lookup_helpers_from_signal_handler() noexcept {
  const pid_t group = g_getent_group.load(std::memory_order_acquire);
  if (group > 0) (void)::kill(-group, SIGKILL);
}

Result<PasswdEntry> find_user_by_name(std::string_view name, const PasswdSources& sources) {
  const std::string key(name);
  return find_user(sources, key, [&](const PasswdEntry& e) { return e.name == name; });
}

Result<PasswdEntry> find_user_by_uid(uid_t uid, const PasswdSources& sources) {
  return find_user(sources, std::to_string(uid),
                   [&](const PasswdEntry& e) { return e.uid == uid; });
}

}  // namespace mailroom
