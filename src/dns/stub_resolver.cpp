#include "mailroom/dns/stub_resolver.hpp"

#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "dns/name_servers.hpp"
#include "dns/tcp_exchange.hpp"
#include "dns/wire.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::dns {
namespace {

using Clock = std::chrono::steady_clock;

// RFC 6891 payload size: 1232 bytes fits any path's MTU without IP
// fragmentation (the DNS flag day 2020 value), so answers are not spoofable
// by fragment and a 2048-bit DKIM key or a long SPF record still fits.
constexpr std::uint16_t kEdnsPayload = 1232;
// Larger datagrams are read as truncated (MSG_TRUNC) and asked over TCP.
constexpr std::size_t kUdpBuffer = 4096;

// One question in flight.
struct Question {
  std::string name;  // canonical_name(): lower case, no trailing dot
  RecordType type = RecordType::a;
  std::uint16_t id = 0;  // of the latest attempt
  int attempt = 0;       // which of tries x servers this is, from 0
  // (ID, server) of every attempt sent: a slow server's answer to an
  // earlier attempt is as good as any (RFC 5452 §9.1 only asks that it
  // match a question in flight), so moving on never loses it.
  std::vector<std::pair<std::uint16_t, std::size_t>> sent;
  bool edns = true;
  Clock::time_point attempt_ends;
  bool done = false;
  Result<Answer> result = fail(ErrorKind::temporary, "not answered");
};

std::string describe(const Question& q) {
  return "DNS " + std::string(to_string(q.type)) + " " + q.name;
}

// Query IDs from the kernel's CSPRNG, 32 at a time (one system call).
class RandomIds {
 public:
  std::optional<std::uint16_t> next() {
    if (used_ == pool_.size()) {
      const ssize_t n = ::getrandom(pool_.data(), sizeof(pool_), 0);
      if (n != static_cast<ssize_t>(sizeof(pool_))) return std::nullopt;
      used_ = 0;
    }
    return pool_[used_++];
  }

 private:
  std::array<std::uint16_t, 32> pool_{};
  std::size_t used_ = pool_.size();
};

int ceil_ms(Clock::duration d) {
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 60000));
}

}  // namespace

struct StubResolver::State {
  StubOptions options;
  bool initialised = false;
  Status setup = ok();  // a bad server setting, kept for every query
  std::vector<detail::NameServer> servers;
  std::vector<UniqueFd> sockets;  // one connected UDP socket per server, made on first use
  std::vector<std::unique_ptr<Question>> in_flight;
  std::function<void()> idle_work;
  std::unique_ptr<std::uint8_t[]> buffer;  // NOLINT(modernize-avoid-c-arrays): one datagram
  RandomIds ids;
  Clock::time_point wait_until = Clock::time_point::max();  // the current caller's deadline

  Status ensure_servers();
  [[nodiscard]] int attempts() const;
  [[nodiscard]] std::size_t server_of(const Question& q) const;
  int socket_for(std::size_t server);
  Question* find(std::string_view name, RecordType type);
  Question& start(std::string_view name, RecordType type);
  void send(Question& q);
  void next_attempt(Question& q, std::string_view why);
  void receive(std::size_t server);
  void take(Question& q, std::span<const std::uint8_t> message, bool cut_short, std::size_t server);
  void over_tcp(Question& q, std::size_t server);
  void finish(Question& q, std::span<const std::uint8_t> message);
  void expire(Clock::time_point now);
  bool wait(const Question& q, Deadline until);
  void collect_ready();
  void receive_ready(const std::vector<pollfd>& fds);
  std::vector<pollfd> poll_set() const;
};

Status StubResolver::State::ensure_servers() {
  if (initialised) return setup;
  initialised = true;
  if (options.servers.empty()) {
    servers = detail::read_resolv_conf(options.resolv_conf);
  } else if (auto parsed = detail::parse_name_servers(options.servers)) {
    servers = std::move(*parsed);
  } else {
    setup = tl::unexpected(parsed.error());
    return setup;
  }
  sockets.resize(servers.size());
  // NOLINTNEXTLINE(modernize-avoid-c-arrays): one datagram, not zero-filled
  buffer = std::make_unique_for_overwrite<std::uint8_t[]>(kUdpBuffer);
  return setup;
}

int StubResolver::State::attempts() const {
  return std::max(1, options.tries) * static_cast<int>(servers.size());
}

std::size_t StubResolver::State::server_of(const Question& q) const {
  return static_cast<std::size_t>(q.attempt) % servers.size();
}

// A connected socket: the kernel chooses a random source port (RFC 5452
// §4.5) and delivers only datagrams from the server's own address and port.
int StubResolver::State::socket_for(std::size_t server) {
  if (sockets[server]) return sockets[server].get();
  const auto& ns = servers[server];
  UniqueFd fd(::socket(ns.address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return -1;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&ns.address), ns.length) != 0)
    return -1;
  sockets[server] = std::move(fd);
  return sockets[server].get();
}

Question* StubResolver::State::find(std::string_view name, RecordType type) {
  const std::string key = canonical_name(name);
  for (auto& q : in_flight)
    if (q->type == type && q->name == key) return q.get();
  return nullptr;
}

Question& StubResolver::State::start(std::string_view name, RecordType type) {
  auto q = std::make_unique<Question>();
  q->name = canonical_name(name);
  q->type = type;
  in_flight.push_back(std::move(q));
  Question& started = *in_flight.back();
  send(started);
  return started;
}

void StubResolver::State::send(Question& q) {
  const auto id = ids.next();
  if (!id) {
    q.result = fail(ErrorKind::temporary, describe(q) + ": no random bytes for a query ID");
    q.done = true;
    return;
  }
  q.id = *id;
  q.attempt_ends = Clock::now() + options.query_timeout / attempts();
  auto query = wire::encode_query(q.id, q.name, q.type, q.edns ? kEdnsPayload : 0);
  if (!query) {
    q.result = tl::unexpected(query.error());
    q.done = true;
    return;
  }
  const std::size_t server = server_of(q);
  const int fd = socket_for(server);
  if (fd >= 0 && ::send(fd, query->data(), query->size(), MSG_NOSIGNAL) >= 0) {
    q.sent.emplace_back(q.id, server);
  } else {
    // A connected UDP socket reports an earlier ICMP "port unreachable"
    // here as ECONNREFUSED: nobody answers DNS there, try the next one.
    next_attempt(q, std::strerror(errno));
  }
}

void StubResolver::State::next_attempt(Question& q, std::string_view why) {
  if (++q.attempt >= attempts()) {
    q.result = fail(ErrorKind::temporary, describe(q) + ": " + std::string(why));
    q.done = true;
    return;
  }
  send(q);
}

void StubResolver::State::receive(std::size_t server) {
  const int fd = sockets[server].get();
  for (;;) {
    const ssize_t n = ::recv(fd, buffer.get(), kUdpBuffer, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) {
      // ICMP unreachable (or another error on the socket): every question
      // waiting on this server moves on. Back to poll() rather than read
      // on: an error that did not clear must not spin here.
      const std::string why = std::strerror(errno);
      for (auto& q : in_flight)
        if (!q->done && server_of(*q) == server) next_attempt(*q, why);
      return;
    }
    const auto size = static_cast<std::size_t>(n);
    const std::span<const std::uint8_t> message(buffer.get(), std::min(size, kUdpBuffer));
    const auto header = wire::read_header(message);
    if (!header) continue;
    const std::pair<std::uint16_t, std::size_t> from{header->id, server};
    for (auto& q : in_flight) {
      if (q->done || std::find(q->sent.begin(), q->sent.end(), from) == q->sent.end()) continue;
      if (!wire::answers(message, header->id, q->name, q->type)) continue;
      take(*q, message, size > kUdpBuffer, server);
      break;
    }
    // Anything else (a forgery, an answer to a question already answered)
    // is dropped: RFC 5452 §9.1.
  }
}

void StubResolver::State::take(Question& q, std::span<const std::uint8_t> message, bool cut_short,
                               std::size_t server) {
  const auto header = wire::read_header(message);
  if (header->truncated || cut_short) {
    over_tcp(q, server);
    return;
  }
  // RFC 6891 §7: a server that does not know EDNS answers FORMERR; ask
  // again without it.
  if (header->rcode == 1 && q.edns) {
    q.edns = false;
    send(q);
    return;
  }
  finish(q, message);
}

// RFC 7766 §5: a truncated UDP answer is asked again over TCP, of the
// server that sent it, within one attempt's time.
void StubResolver::State::over_tcp(Question& q, std::size_t server) {
  auto query = wire::encode_query(q.id, q.name, q.type, q.edns ? kEdnsPayload : 0);
  if (!query) {
    q.result = tl::unexpected(query.error());
    q.done = true;
    return;
  }
  const auto until = std::min(Clock::now() + options.query_timeout / attempts(), wait_until);
  auto reply = detail::tcp_exchange(servers[server], *query, until);
  if (!reply) {
    next_attempt(q, "over TCP: " + reply.error().message);
    return;
  }
  if (!wire::answers(*reply, q.id, q.name, q.type)) {
    next_attempt(q, "over TCP: an answer to another question");
    return;
  }
  finish(q, *reply);
}

void StubResolver::State::finish(Question& q, std::span<const std::uint8_t> message) {
  auto answer = wire::parse_answer(message, q.name, q.type, options.max_records);
  // A bad RCODE names the question already; a malformed answer does not.
  if (!answer && answer.error().message.starts_with("malformed"))
    answer.error().message = describe(q) + ": " + answer.error().message;
  q.result = std::move(answer);
  q.done = true;
}

void StubResolver::State::expire(Clock::time_point now) {
  for (auto& q : in_flight)
    if (!q->done && q->attempt_ends <= now) next_attempt(*q, "timed out");
}

std::vector<pollfd> StubResolver::State::poll_set() const {
  std::vector<pollfd> fds;
  for (const auto& fd : sockets)
    if (fd) fds.push_back({fd.get(), POLLIN, 0});
  return fds;
}

// Reads every answer already waiting in a socket, without blocking.
void StubResolver::State::collect_ready() {
  std::vector<pollfd> fds = poll_set();
  if (::poll(fds.data(), fds.size(), 0) > 0) receive_ready(fds);
}

void StubResolver::State::receive_ready(const std::vector<pollfd>& fds) {
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    if (!sockets[i]) continue;
    const auto it = std::find_if(fds.begin(), fds.end(),
                                 [&](const pollfd& p) { return p.fd == sockets[i].get(); });
    if (it != fds.end() && it->revents != 0) receive(i);
  }
}

// Drives every question in flight until `q` is answered; false when
// `until` passes first. Runs the idle work (once) the first time nothing
// is ready, i.e. when the poll would block.
bool StubResolver::State::wait(const Question& q, Deadline until) {
  wait_until = until.when();
  while (!q.done) {
    if (until.expired()) {
      // Time is up, but an answer already in the socket buffer costs
      // nothing to read (issue 12: the _dmarc answer that arrived while
      // SPF waited must not become a temperror).
      collect_ready();
      return q.done;
    }
    std::vector<pollfd> fds = poll_set();
    if (idle_work && ::poll(fds.data(), fds.size(), 0) == 0) {
      auto work = std::move(idle_work);
      idle_work = nullptr;
      work();
      continue;
    }
    auto next = until.when();
    for (const auto& other : in_flight)
      if (!other->done) next = std::min(next, other->attempt_ends);
    if (::poll(fds.data(), fds.size(), ceil_ms(next - Clock::now())) > 0) receive_ready(fds);
    expire(Clock::now());
  }
  return true;
}

StubResolver::StubResolver(StubOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}

StubResolver::~StubResolver() = default;

bool StubResolver::initialised() const { return state_->initialised; }

std::size_t StubResolver::sent_ahead() const { return state_->in_flight.size(); }

void StubResolver::while_waiting(std::function<void()> work) {
  state_->idle_work = std::move(work);
}

void StubResolver::send_ahead(std::string_view name, RecordType type) {
  if (!is_valid_query_name(name) || type == RecordType::cname) return;
  if (state_->in_flight.size() >= kMaxAhead || state_->find(name, type) != nullptr) return;
  if (auto s = state_->ensure_servers(); !s) return;  // query() will say why
  (void)state_->start(name, type);
}

Result<Answer> StubResolver::query(std::string_view name, RecordType type, Deadline deadline) {
  if (!is_valid_query_name(name)) {
    return fail(ErrorKind::parse, "not a valid DNS name: " + std::string(name));
  }
  // Every other type follows CNAMEs by itself, which is all mail checks need.
  if (type == RecordType::cname) {
    return fail(ErrorKind::internal, "the stub resolver does not ask for CNAME records");
  }
  if (auto s = state_->ensure_servers(); !s) return tl::unexpected(s.error());
  const Deadline until = deadline.min(Deadline::after(state_->options.query_timeout));
  Question* q = state_->find(name, type);  // sent ahead?
  // With the deadline spent, only a question sent ahead can still be
  // answered (from what has arrived); a new one is not even sent.
  if (q == nullptr && deadline.expired())
    return fail(ErrorKind::temporary, "DNS deadline already spent before " + std::string(name));
  if (q == nullptr) q = &state_->start(name, type);
  const bool answered = state_->wait(*q, until);
  Result<Answer> result =
      answered ? std::move(q->result)
               : fail(ErrorKind::temporary, describe(*q) + ": timed out within the time budget");
  std::erase_if(state_->in_flight, [&](const auto& p) { return p.get() == q; });
  return result;
}

}  // namespace mailroom::dns
