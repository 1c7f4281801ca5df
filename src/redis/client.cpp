// The Redis client (client.hpp).
#include "mailroom/redis/client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace mailroom::redis {
namespace {

constexpr std::string_view kScheme = "redis://";

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && !text.empty();
}

tl::unexpected<Error> bad_url(std::string_view key, std::string_view url, const std::string& why) {
  return fail(ErrorKind::config, std::string(key) + " \"" + std::string(url) + "\": " + why);
}

// The socket address of a numeric host.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t size = 0;
};

bool socket_address(const RedisAddress& a, SocketAddress& out) {
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  if (::inet_pton(AF_INET, a.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(a.port);
    out.size = sizeof *v4;
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (::inet_pton(AF_INET6, a.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(a.port);
    out.size = sizeof *v6;
    return true;
  }
  return false;
}

// A connected blocking TCP socket, or an error after `timeout`: connect(2)
// alone would wait for the kernel's SYN retries (minutes) on a host that
// does not answer, and deliver must not.
Result<int> connect_socket(const RedisAddress& a, const std::string& where,
                           std::chrono::milliseconds timeout) {
  SocketAddress address;
  if (!socket_address(a, address))
    return fail(ErrorKind::config, where + ": not a numeric address");
  const int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail_errno(ErrorKind::temporary, where + ": socket", errno);
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.size);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (rc == 0) {
      ::close(fd);
      return fail(ErrorKind::temporary,
                  where + ": no connection within " + std::to_string(timeout.count()) + " ms");
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (rc > 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0) errno = error;
    rc = rc > 0 && error == 0 ? 0 : -1;
  }
  if (rc != 0) {
    const int saved = errno;
    ::close(fd);
    return fail_errno(ErrorKind::temporary, where + ": connect", saved);
  }
  // Blocking from here: hiredis's blocking API with socket timeouts.
  const int one = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

}  // namespace

Result<RedisAddress> parse_redis_url(std::string_view url, std::string_view key) {
  if (!url.starts_with(kScheme)) return bad_url(key, url, "does not start with redis://");
  std::string_view rest = url.substr(kScheme.size());
  RedisAddress out;
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    if (!parse_number(rest.substr(slash + 1), out.db))
      return bad_url(key, url, "bad database number");
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {  // [IPv6]:port (RFC 3986 3.2.2)
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return bad_url(key, url, "no ] after the IPv6 address");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return bad_url(key, url, "junk after ]");
      port = rest.substr(close + 2);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (!port.empty() || (rest.ends_with(':'))) {
    if (!parse_number(port, out.port) || out.port == 0) return bad_url(key, url, "bad port");
  }
  out.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  SocketAddress check;
  if (!socket_address(out, check))
    return bad_url(key, url, "the host must be an IP address (no name lookups)");
  return out;
}

RedisCommand& RedisCommand::arg(std::string_view bytes) {
  char head[32] = {'$'};
  auto [end, ec] = std::to_chars(head + 1, head + 24, bytes.size());
  (void)ec;  // 23 characters hold every size
  *end++ = '\r';
  *end++ = '\n';
  body_.append(head, static_cast<std::size_t>(end - head));
  body_.append(bytes.data(), bytes.size());
  body_.append("\r\n", 2);
  ++count_;
  return *this;
}

RedisCommand& RedisCommand::arg(std::int64_t number) {
  char text[24];
  const auto [end, ec] = std::to_chars(std::begin(text), std::end(text), number);
  (void)ec;  // 24 characters hold every int64
  return arg(std::string_view(text, static_cast<std::size_t>(end - text)));
}

// Formatted whole in one buffer, one append: the per-slot argument of a
// scoring read, so the cheapest.
RedisCommand& RedisCommand::arg(char prefix, std::uint64_t number) {
  char digits[24];
  const auto [last, ec] = std::to_chars(std::begin(digits), std::end(digits), number);
  (void)ec;  // 24 characters hold every uint64
  const auto size = static_cast<std::size_t>(last - digits);
  char text[48] = {'$'};
  auto [end, ec2] = std::to_chars(text + 1, text + 8, size + 1);
  (void)ec2;  // at most 21
  *end++ = '\r';
  *end++ = '\n';
  *end++ = prefix;
  end = std::copy(digits, last, end);
  *end++ = '\r';
  *end++ = '\n';
  body_.append(text, static_cast<std::size_t>(end - text));
  ++count_;
  return *this;
}

Result<RedisClient> RedisClient::connect(const RedisAddress& address,
                                         std::chrono::milliseconds timeout, std::string_view user) {
  const std::string where =
      std::string(user) + ": redis " +
      (address.host.find(':') == std::string::npos ? address.host : "[" + address.host + "]") +
      ":" + std::to_string(address.port);
  auto fd = connect_socket(address, where, timeout);
  if (!fd) return tl::unexpected(fd.error());
  redisContext* context = redisConnectFd(*fd);
  if (context == nullptr) {
    ::close(*fd);
    return fail(ErrorKind::temporary, where + ": out of memory");
  }
  use_compact_replies(context);
  RedisClient client(context, where, timeout);
  if (context->err != 0) return client.io_error("set up");
  if (auto set = client.set_timeout(timeout); !set) return tl::unexpected(set.error());
  if (address.db != 0) {
    auto selected = client.call(RedisCommand("SELECT").arg(std::int64_t{address.db}));
    if (!selected) return tl::unexpected(selected.error());
    if (auto error = reply_error(**selected); !error.empty())
      return fail(ErrorKind::temporary,
                  where + ": SELECT " + std::to_string(address.db) + ": " + error);
  }
  return client;
}

RedisClient::RedisClient(RedisClient&& other) noexcept
    : context_(std::exchange(other.context_, nullptr)),
      where_(std::move(other.where_)),
      timeout_(other.timeout_),
      queued_(std::exchange(other.queued_, 0)) {}

RedisClient& RedisClient::operator=(RedisClient&& other) noexcept {
  if (this != &other) {
    if (context_ != nullptr) redisFree(context_);
    context_ = std::exchange(other.context_, nullptr);
    where_ = std::move(other.where_);
    timeout_ = other.timeout_;
    queued_ = std::exchange(other.queued_, 0);
  }
  return *this;
}

RedisClient::~RedisClient() {
  if (context_ != nullptr) redisFree(context_);  // closes the socket
}

void RedisClient::append(const RedisCommand& command) {
  char head[24] = {'*'};
  auto [end, ec] = std::to_chars(head + 1, std::end(head) - 2, command.count_);
  (void)ec;  // 21 characters hold every count
  *end++ = '\r';
  *end++ = '\n';
  // Fails only out of memory; replies() then reports the context's error.
  (void)redisAppendFormattedCommand(context_, head, static_cast<std::size_t>(end - head));
  (void)redisAppendFormattedCommand(context_, command.body_.data(), command.body_.size());
  ++queued_;
}

Result<std::vector<Reply>> RedisClient::replies(std::size_t count) {
  std::vector<Reply> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    void* reply = nullptr;
    if (context_->err != 0 || redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) {
      queued_ = 0;
      return io_error("reply");
    }
    out.emplace_back(static_cast<redisReply*>(reply));
  }
  queued_ -= std::min(queued_, count);
  return out;
}

Status RedisClient::set_timeout(std::chrono::milliseconds timeout) {
  const auto millis = timeout.count();
  const timeval tv{static_cast<time_t>(millis / 1000),
                   static_cast<suseconds_t>(millis % 1000 * 1000)};
  if (redisSetTimeout(context_, tv) != REDIS_OK) return io_error("set up");
  timeout_ = timeout;
  return ok();
}

Result<Reply> RedisClient::call(const RedisCommand& command) {
  append(command);
  auto got = replies(1);
  if (!got) return tl::unexpected(got.error());
  return std::move(got->front());
}

tl::unexpected<Error> RedisClient::io_error(const char* what) const {
  // hiredis says "Resource temporarily unavailable" when SO_RCVTIMEO ran out.
  const std::string text = context_->errstr;
  if (context_->err == REDIS_ERR_IO && text == std::strerror(EAGAIN))
    return fail(ErrorKind::temporary,
                where_ + ": no " + what + " within " + std::to_string(timeout_.count()) + " ms");
  return fail(ErrorKind::temporary,
              where_ + ": " + what + ": " + (text.empty() ? "connection lost" : text));
}

std::string reply_error(const redisReply& reply) {
  return reply.type == REDIS_REPLY_ERROR ? std::string(reply.str, reply.len) : std::string();
}

bool is_nil(const redisReply& reply) noexcept { return reply.type == REDIS_REPLY_NIL; }

std::string_view reply_string(const redisReply& reply) noexcept {
  if (reply.type != REDIS_REPLY_STRING && reply.type != REDIS_REPLY_STATUS) return {};
  return {reply.str, reply.len};
}

}  // namespace mailroom::redis
