#include "util/syslog_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace mailroom::log::detail {
namespace {

// A receiver that was restarted leaves our connected socket pointing at
// nothing: these say "connect again", anything else "drop this message".
bool receiver_went_away(int err) {
  return err == ECONNREFUSED || err == ENOTCONN || err == EPIPE || err == ECONNRESET ||
         err == EDESTADDRREQ;
}

}  // namespace

SyslogSocket::SyslogSocket(std::string ident, int facility, std::string path)
    : ident_(std::move(ident)), facility_(facility), path_(std::move(path)) {}

std::string SyslogSocket::format(Severity severity, std::string_view text) const {
  // RFC 3164 §4.1: "<PRI>" then the MSG part, TAG "ident[pid]: " as
  // syslog(3) with LOG_PID writes it; no TIMESTAMP (§4.3.2, see header).
  std::string packet = "<" + std::to_string(facility_ | static_cast<int>(severity)) + ">";
  packet += ident_;
  packet += "[" + std::to_string(::getpid()) + "]: ";
  packet += text;
  return packet;
}

bool SyslogSocket::connect() noexcept {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path_.empty() || path_.size() >= sizeof(address.sun_path)) return false;
  std::memcpy(address.sun_path, path_.data(), path_.size());
  for (const int type : {SOCK_DGRAM, SOCK_STREAM}) {
    UniqueFd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    if (!fd) return false;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
      fd_ = std::move(fd);
      stream_ = type == SOCK_STREAM;
      return true;
    }
    // A receiver on a stream socket answers a datagram connect with
    // EPROTOTYPE (glibc's syslog(3) falls back the same way).
    if (errno != EPROTOTYPE) return false;
  }
  return false;
}

bool SyslogSocket::write(const std::string& packet) noexcept {
  // On a stream the messages are NUL-terminated, as syslog(3) sends them.
  const std::size_t length = packet.size() + (stream_ ? 1 : 0);
  const char* data = packet.c_str();
  std::size_t sent = 0;
  while (sent < length) {
    const ssize_t n = ::send(fd_.get(), data + sent, length - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (!stream_) return true;  // a datagram goes whole or not at all
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool SyslogSocket::send(Severity severity, std::string_view text) noexcept {
  try {
    const std::string packet = format(severity, text);
    if (!fd_ && !connect()) return false;
    if (write(packet)) return true;
    if (!receiver_went_away(errno)) return false;
    fd_.reset();
    return connect() && write(packet);
  } catch (...) {  // out of memory: the message is lost, the caller goes on
    return false;
  }
}

}  // namespace mailroom::log::detail
