#include "server/broker.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "server/process.hpp"

namespace mailroom::server {
namespace {

constexpr std::size_t kBufferSize = 16384;

Refusal refusal_of(std::string_view word) {
  if (word == "auth") return Refusal::password;
  if (word == "throttled") return Refusal::throttled;
  return Refusal::temporary;
}

}  // namespace

std::string_view refusal_word(Refusal reason) {
  switch (reason) {
    case Refusal::password:
      return "auth";
    case Refusal::throttled:
      return "throttled";
    default:
      return "temp";
  }
}

Result<BrokerAnswer> ask_broker(int broker, const std::string& user, const std::string& password) {
  std::string request = user + '\0' + password;
  if (::send(broker, request.data(), request.size(), MSG_NOSIGNAL) < 0)
    return fail_errno(ErrorKind::temporary, "send to listener", errno);
  std::fill(request.begin(), request.end(), '\0');
  std::array<char, 512> answer{};
  BrokerAnswer out;
  UniqueFd unused;
  ssize_t n = receive_with_fds(broker, answer.data(), answer.size(), out.session, unused);
  if (n <= 0) return fail(ErrorKind::temporary, "the listener went away");
  if (answer[0] == 'K' && out.session) return out;
  out.session.reset();
  out.refusal = refusal_of(std::string_view(answer.data() + 1, static_cast<std::size_t>(n) - 1));
  return out;
}

int hand_over(int session, int client, int broker, const std::string& first) {
  ssize_t n = send_with_fds(session, first, {client, broker});
  if (n <= 0) return 0;
  // A stream socket may take part of it; the rest follows as plain bytes.
  (void)send_all(session, std::string_view(first).substr(static_cast<std::size_t>(n)));
  return 0;
}

ssize_t receive_first(int login, char* buffer, std::size_t size, UniqueFd& client,
                      UniqueFd& broker) {
  return receive_with_fds(login, buffer, size, client, broker);
}

bool send_unauthenticated(int login, std::string_view reply) {
  // Any descriptor will do: only its presence counts.
  ssize_t n = send_with_fds(login, reply, {login});
  if (n <= 0) return false;
  return send_all(login, reply.substr(static_cast<std::size_t>(n)));
}

int relay(net::Stream& client, int session, const std::string& pipelined, const net::Limits& limits,
          bool* unauthenticated) {
  if (!send_all(session, pipelined)) return 0;
  std::array<char, kBufferSize> buffer{};
  auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(limits.idle_timeout);
  bool marked = false;  // the session's last reply: what the client sends next is the login's
  for (;;) {
    std::array<pollfd, 2> fds{
        {{client.fd(), static_cast<short>(marked ? 0 : POLLIN), 0}, {session, POLLIN, 0}}};
    int ready = client.has_buffered_input() && !marked
                    ? 1
                    : ::poll(fds.data(), 2, static_cast<int>(idle.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return 0;
    if (!marked &&
        (client.has_buffered_input() || (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0)) {
      auto got = client.read_some(buffer.data(), buffer.size(), idle);
      if (!got || *got == 0 || !send_all(session, std::string_view(buffer.data(), *got))) return 0;
    }
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      UniqueFd mark;
      UniqueFd unused;
      ssize_t n = receive_first(session, buffer.data(), buffer.size(), mark, unused);
      marked = marked || static_cast<bool>(mark);
      if (n <= 0) {  // the session ended (QUIT, LOGOUT, UNAUTHENTICATE) or failed
        if (unauthenticated != nullptr) *unauthenticated = marked;
        return 0;
      }
      if (!client.write_all(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) return 0;
    }
  }
}

}  // namespace mailroom::server
