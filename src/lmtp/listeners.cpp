#include "lmtp/listeners.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "mailroom/net/listener.hpp"

namespace mailroom::lmtp {
namespace {

constexpr int kBacklog = 128;

Result<mode_t> parse_mode(const std::string& text) {
  unsigned mode = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || mode > 07777)
    return fail(ErrorKind::config, "lmtp.socket_mode: '" + text + "' is not an octal mode");
  return static_cast<mode_t>(mode);
}

Result<gid_t> group_id(const std::string& name) {
  struct group entry {};
  struct group* found = nullptr;
  char buffer[4096];
  if (::getgrnam_r(name.c_str(), &entry, buffer, sizeof buffer, &found) != 0 || found == nullptr)
    return fail(ErrorKind::config, "lmtp.socket_group: no group '" + name + "'");
  return found->gr_gid;
}

// A stale socket from a previous run is replaced; any other file is not.
Result<Listening> open_unix(const std::string& path, const LmtpConfig& config) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path[0] != '/' || path.size() >= sizeof address.sun_path)
    return fail(ErrorKind::config, "lmtp listener unix:" + path + ": need an absolute path");
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  auto mode = parse_mode(config.socket_mode);
  if (!mode) return tl::unexpected(mode.error());
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return fail(ErrorKind::config, "lmtp listener " + path + " exists and is not a socket");
    ::unlink(path.c_str());
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail_errno(ErrorKind::config, "socket", errno);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return fail_errno(ErrorKind::config, "bind " + path, errno);
  if (::chmod(path.c_str(), *mode) != 0)
    return fail_errno(ErrorKind::config, "chmod " + path, errno);
  if (!config.socket_group.empty()) {
    auto gid = group_id(config.socket_group);
    if (!gid) return tl::unexpected(gid.error());
    if (::chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0)
      return fail_errno(ErrorKind::config, "chown " + path, errno);
  }
  if (::listen(fd.get(), kBacklog) != 0)
    return fail_errno(ErrorKind::config, "listen " + path, errno);
  return Listening{std::move(fd), "unix:" + path, path};
}

Result<Listening> open_tcp(const std::string& text) {
  auto spec = net::parse_listener(text, {"lmtp"});
  if (!spec) return tl::unexpected(spec.error());
  if (spec->implicit_tls)
    return fail(ErrorKind::config, "listener " + text + ": LMTP has no TLS here");
  sockaddr_storage storage{};
  const socklen_t length = socket_address(*spec, storage);
  const bool v6 = storage.ss_family == AF_INET6;
  UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail_errno(ErrorKind::config, "socket", errno);
  int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (v6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0)
    return fail_errno(ErrorKind::config, "bind " + text, errno);
  if (::listen(fd.get(), kBacklog) != 0)
    return fail_errno(ErrorKind::config, "listen " + text, errno);
  return Listening{std::move(fd), text, ""};
}

}  // namespace

socklen_t socket_address(const net::ListenerSpec& spec, sockaddr_storage& storage) {
  storage = {};
  if (spec.address.find(':') != std::string::npos) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(spec.port);
    ::inet_pton(AF_INET6, spec.address.c_str(), &in6->sin6_addr);
    return sizeof *in6;
  }
  auto* in4 = reinterpret_cast<sockaddr_in*>(&storage);
  in4->sin_family = AF_INET;
  in4->sin_port = htons(spec.port);
  ::inet_pton(AF_INET, spec.address.c_str(), &in4->sin_addr);
  return sizeof *in4;
}

Result<std::vector<Listening>> open_listeners(const LmtpConfig& config) {
  std::vector<Listening> listening;
  for (const auto& text : config.listeners) {
    auto opened = text.rfind("unix:", 0) == 0 ? open_unix(text.substr(5), config) : open_tcp(text);
    if (!opened) return tl::unexpected(opened.error());
    listening.push_back(std::move(*opened));
  }
  if (listening.empty())
    return fail(ErrorKind::config, "no lmtp.listeners configured and no sockets from systemd");
  return listening;
}

Result<Listening> open_stats_listener(const std::string& address) {
  auto spec = net::parse_listener("lmtp://" + address, {"lmtp"});
  if (!spec) return tl::unexpected(spec.error());
  if (!net::is_loopback(spec->address))
    return fail(ErrorKind::config, "lmtp.stats_listener " + address + ": loopback addresses only");
  auto opened = open_tcp("lmtp://" + address);
  if (!opened) return opened;
  opened->name = "http://" + address + "/metrics";
  opened->stats = true;
  return opened;
}

std::vector<Listening> activated_listeners() {
  std::vector<Listening> listening;
  const char* pid = std::getenv("LISTEN_PID");  // NOLINT(concurrency-mt-unsafe): one thread
  const char* fds = std::getenv("LISTEN_FDS");  // NOLINT(concurrency-mt-unsafe)
  if (pid == nullptr || fds == nullptr || std::atol(pid) != ::getpid()) return listening;
  const int count = std::atoi(fds);
  for (int i = 0; i < count && i < 64; ++i) {
    int fd = 3 + i;  // SD_LISTEN_FDS_START
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    listening.push_back({UniqueFd(fd), "systemd fd " + std::to_string(fd), ""});
  }
  ::unsetenv("LISTEN_PID");      // NOLINT(concurrency-mt-unsafe): not for our children
  ::unsetenv("LISTEN_FDS");      // NOLINT(concurrency-mt-unsafe)
  ::unsetenv("LISTEN_FDNAMES");  // NOLINT(concurrency-mt-unsafe)
  return listening;
}

}  // namespace mailroom::lmtp
