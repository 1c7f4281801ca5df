#include "dns/tcp_exchange.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::dns::detail {
namespace {

using Clock = std::chrono::steady_clock;

// Waits until `fd` is ready for `events`; false on timeout or error.
bool ready(int fd, short events, Clock::time_point until) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60000)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    return (p.revents & (events | POLLERR | POLLHUP)) != 0;
  }
}

Status connect_to(int fd, const NameServer& server, Clock::time_point until) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&server.address), server.length) == 0)
    return ok();
  if (errno != EINPROGRESS) return fail_errno(ErrorKind::temporary, "connect", errno);
  if (!ready(fd, POLLOUT, until)) return fail(ErrorKind::temporary, "connect timed out");
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return fail_errno(ErrorKind::temporary, "connect", err);
  return ok();
}

Status send_all(int fd, std::span<const std::uint8_t> bytes, Clock::time_point until) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (!ready(fd, POLLOUT, until)) return fail(ErrorKind::temporary, "send timed out");
      continue;
    }
    if (n < 0) return fail_errno(ErrorKind::temporary, "send", errno);
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return ok();
}

Status receive_all(int fd, std::span<std::uint8_t> into, Clock::time_point until) {
  while (!into.empty()) {
    const ssize_t n = ::recv(fd, into.data(), into.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (!ready(fd, POLLIN, until)) return fail(ErrorKind::temporary, "answer timed out");
      continue;
    }
    if (n < 0) return fail_errno(ErrorKind::temporary, "receive", errno);
    if (n == 0) return fail(ErrorKind::temporary, "connection closed before the answer");
    into = into.subspan(static_cast<std::size_t>(n));
  }
  return ok();
}

}  // namespace

Result<std::vector<std::uint8_t>> tcp_exchange(const NameServer& server,
                                               std::span<const std::uint8_t> query,
                                               Clock::time_point until) {
  if (query.size() > 0xffff) return fail(ErrorKind::internal, "DNS query too long for TCP");
  UniqueFd fd(::socket(server.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fail_errno(ErrorKind::temporary, "socket", errno);
  if (auto s = connect_to(fd.get(), server, until); !s) return tl::unexpected(s.error());
  std::vector<std::uint8_t> framed;
  framed.reserve(query.size() + 2);
  framed.push_back(static_cast<std::uint8_t>(query.size() >> 8));
  framed.push_back(static_cast<std::uint8_t>(query.size() & 0xff));
  framed.insert(framed.end(), query.begin(), query.end());
  if (auto s = send_all(fd.get(), framed, until); !s) return tl::unexpected(s.error());
  std::array<std::uint8_t, 2> length{};
  if (auto s = receive_all(fd.get(), length, until); !s) return tl::unexpected(s.error());
  std::vector<std::uint8_t> answer(static_cast<std::size_t>(length[0] << 8 | length[1]));
  if (answer.empty()) return fail(ErrorKind::temporary, "empty answer over TCP");
  if (auto s = receive_all(fd.get(), answer, until); !s) return tl::unexpected(s.error());
  return answer;
}

}  // namespace mailroom::dns::detail
