// `mailroom lmtp --stats`: asks the running server's stats listener.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "lmtp/listeners.hpp"
#include "mailroom/lmtp/lmtp.hpp"
#include "mailroom/net/listener.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::lmtp {
namespace {

constexpr int kExitUnavailable = 69;
constexpr int kExitConfig = 78;

UniqueFd connect_to(const net::ListenerSpec& spec) {
  sockaddr_storage storage{};
  const socklen_t length = socket_address(spec, storage);
  const bool v6 = storage.ss_family == AF_INET6;
  UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) return {};
  return fd;
}

std::string fetch(int fd) {
  static constexpr std::string_view kRequest = "GET /metrics HTTP/1.0\r\n\r\n";
  if (::send(fd, kRequest.data(), kRequest.size(), MSG_NOSIGNAL) < 0) return {};
  std::string response;
  char buffer[4096];
  pollfd ready{fd, POLLIN, 0};
  while (::poll(&ready, 1, 5000) > 0) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    response.append(buffer, static_cast<std::size_t>(got));
  }
  return response;
}

}  // namespace

int print_stats(const Config& config) noexcept {
  try {
    if (config.lmtp.stats_listener.empty()) {
      std::fprintf(stderr, "mailroom lmtp --stats: no lmtp.stats_listener configured\n");
      return kExitConfig;
    }
    auto spec = net::parse_listener("lmtp://" + config.lmtp.stats_listener, {"lmtp"});
    if (!spec) {
      std::fprintf(stderr, "mailroom lmtp --stats: %s\n", spec.error().message.c_str());
      return kExitConfig;
    }
    UniqueFd fd = connect_to(*spec);
    std::string response = fd ? fetch(fd.get()) : "";
    auto body = response.find("\r\n\r\n");
    if (response.rfind("HTTP/1.0 200", 0) != 0 || body == std::string::npos) {
      std::fprintf(stderr, "mailroom lmtp --stats: no answer from %s\n",
                   config.lmtp.stats_listener.c_str());
      return kExitUnavailable;
    }
    std::fputs(response.c_str() + body + 4, stdout);
    return 0;
  } catch (...) {
    return kExitUnavailable;
  }
}

}  // namespace mailroom::lmtp
