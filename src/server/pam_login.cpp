#include "server/pam_login.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>

#include "mailroom/util/passwd.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::server {
namespace {

namespace asio = boost::asio;

// A PAM module waiting on a dead LDAP server must not hold a login forever.
constexpr std::chrono::seconds kHelperTimeout{30};

struct Helper {
  pid_t pid = -1;
  UniqueFd output;  // its stdout
};

// posix_spawn: exec at once, so the helper inherits nothing of the
// listener's memory; descriptors above 2 are closed, the environment is
// a fixed PATH. The request goes into its stdin pipe (a few hundred bytes:
// far below the pipe's buffer, so this write does not block).
Result<Helper> spawn_helper(const std::string& helper, const std::string& service,
                            const std::string& ip, const std::string& request) {
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return fail_errno(ErrorKind::temporary, "pipe", errno);
  UniqueFd in_read(in[0]), in_write(in[1]);
  if (::pipe2(out, O_CLOEXEC) != 0) return fail_errno(ErrorKind::temporary, "pipe", errno);
  UniqueFd out_read(out[0]), out_write(out[1]);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
  ::posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  std::array<char*, 4> argv{const_cast<char*>(helper.c_str()), const_cast<char*>(service.c_str()),
                            const_cast<char*>(ip.c_str()), nullptr};
  std::array<char*, 2> envp{const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
  pid_t pid = -1;
  int error = ::posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return fail_errno(ErrorKind::config, "cannot run " + helper, error);
  in_read.reset();
  out_write.reset();
  bool sent = ::write(in_write.get(), request.data(), request.size()) ==
              static_cast<ssize_t>(request.size());
  in_write.reset();
  if (!sent) {
    ::kill(pid, SIGKILL);
    return fail_errno(ErrorKind::temporary, "write to " + helper, errno);
  }
  return Helper{pid, std::move(out_read)};
}

Result<Account> system_account(const Config& config, const std::string& user) {
  auto entry = find_user_by_name(user);
  if (!entry) return fail(ErrorKind::temporary, "PAM accepted " + user + ", NSS does not know it");
  Account account;
  account.name = entry->name;
  account.uid = entry->uid;
  account.gid = entry->gid;
  account.home = entry->home;
  account.maildir = expand_user_path(config.users.maildir, entry->home, entry->name);
  return account;
}

}  // namespace

std::string pam_helper_path(const Config& config) {
  return config.serve.pam_helper.empty() ? std::string(MAILROOM_PAM_HELPER)
                                         : config.serve.pam_helper;
}

std::optional<std::string> pam_service(const std::string& passdb) {
  if (passdb == "pam") return std::string("mailroom");
  if (passdb.starts_with("pam:") && passdb.size() > 4) return passdb.substr(4);
  return std::nullopt;
}

asio::awaitable<Result<Account>> pam_login(asio::io_context& io, const Config& config,
                                           std::string ip, std::string user, std::string password) {
  std::string request = user + '\0' + password;
  std::fill(password.begin(), password.end(), '\0');
  auto helper =
      spawn_helper(pam_helper_path(config), *pam_service(config.serve.passdb), ip, request);
  std::fill(request.begin(), request.end(), '\0');
  if (!helper) co_return tl::unexpected(helper.error());
  asio::posix::stream_descriptor output(io, helper->output.release());
  asio::steady_timer deadline(io, kHelperTimeout);
  deadline.async_wait([&output, pid = helper->pid](boost::system::error_code ec) {
    if (ec) return;
    ::kill(pid, SIGKILL);
    output.close();
  });
  std::string line;
  std::array<char, 256> buffer{};
  for (;;) {
    boost::system::error_code ec;
    std::size_t n = co_await output.async_read_some(asio::buffer(buffer),
                                                    asio::redirect_error(asio::use_awaitable, ec));
    line.append(buffer.data(), n);
    if (ec || line.size() > 4096) break;
  }
  deadline.cancel();
  // The net::Server's SIGCHLD handler reaps the helper.
  if (line == "OK\n") co_return system_account(config, user);
  if (line == "FAIL\n") co_return fail(ErrorKind::rejected, "invalid user name or password");
  co_return fail(ErrorKind::temporary,
                 "PAM: " + (line.empty() ? std::string("the helper gave no answer") : line));
}

}  // namespace mailroom::server
