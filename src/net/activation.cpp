#include "mailroom/net/activation.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <string_view>

namespace mailroom::net {
namespace {

constexpr int kFirstFd = 3;  // SD_LISTEN_FDS_START
constexpr int kMaxFds = 64;  // more than any [serve] has listeners

bool number(const char* text, long& value) {
  if (text == nullptr) return false;
  std::string_view view(text);
  auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  return ec == std::errc{} && end == view.data() + view.size();
}

}  // namespace

std::vector<int> take_activation_sockets() {
  long pid = 0;
  long count = 0;
  bool ours = number(::getenv("LISTEN_PID"), pid) && pid == ::getpid() &&
              number(::getenv("LISTEN_FDS"), count) && count > 0 && count <= kMaxFds;
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  std::vector<int> fds;
  if (!ours) return fds;
  for (int fd = kFirstFd; fd < kFirstFd + count; ++fd) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0) continue;
    ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    fds.push_back(fd);
  }
  return fds;
}

}  // namespace mailroom::net
