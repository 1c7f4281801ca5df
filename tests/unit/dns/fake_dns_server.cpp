#include "fake_dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

namespace mailroom::dns::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Question {
  std::uint16_t id = 0;
  bool recursion_desired = false;
  bool edns = false;  // an additional record (our OPT) came with it
  std::string name;   // lower case, no trailing dot
  std::uint16_t type = 0;
  Bytes raw;  // the question section as received
};

std::optional<Question> parse_question(const std::uint8_t* data, std::size_t size) {
  if (size < 12) return std::nullopt;
  Question q;
  q.id = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
  q.recursion_desired = (data[2] & 0x01) != 0;
  q.edns = (data[10] << 8 | data[11]) > 0;
  std::size_t pos = 12;
  while (pos < size && data[pos] != 0) {
    const std::size_t len = data[pos];
    if (len > 63 || pos + 1 + len > size) return std::nullopt;
    if (!q.name.empty()) q.name += '.';
    for (std::size_t i = 0; i < len; ++i) {
      q.name += static_cast<char>(std::tolower(data[pos + 1 + i]));
    }
    pos += 1 + len;
  }
  if (pos + 5 > size) return std::nullopt;
  q.type = static_cast<std::uint16_t>(data[pos + 1] << 8 | data[pos + 2]);
  q.raw.assign(data + 12, data + pos + 5);
  return q;
}

void put16(Bytes& out, unsigned v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

struct Reply {
  int rcode = 0;
  bool truncated = false;
  std::vector<std::pair<std::uint16_t, Bytes>> answers;  // type, rdata
};

Bytes encode_name(const std::string& name) {
  Bytes out;
  std::size_t start = 0;
  while (start < name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out.push_back(static_cast<std::uint8_t>(dot - start));
    out.insert(out.end(), name.begin() + static_cast<long>(start),
               name.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return out;
}

Bytes txt_rdata(std::initializer_list<std::string> strings) {
  Bytes out;
  for (const auto& s : strings) {
    out.push_back(static_cast<std::uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

enum : std::uint16_t { kA = 1, kPtr = 12, kMx = 15, kTxt = 16, kAaaa = 28 };

// nullopt: do not answer at all.
std::optional<Reply> answer(const Question& q, bool over_tcp) {
  Reply r;
  if (q.name == "slow.example.test") return std::nullopt;
  if (q.name == "late.example.test") {  // serve() sends it late, and only once
    r.answers.push_back({kA, {192, 0, 2, 7}});
    return r;
  }
  if (q.name == "nx.example.test") return Reply{.rcode = 3};
  if (q.name == "servfail.example.test") return Reply{.rcode = 2};
  if (q.name == "noedns.example.test") {
    if (q.edns) return Reply{.rcode = 1};  // FORMERR, as a server without EDNS says
    r.answers.push_back({kA, {192, 0, 2, 9}});
    return r;
  }
  if (q.name == "www.example.test") {
    if (q.type == kA) {
      r.answers.push_back({kA, {192, 0, 2, 1}});
      r.answers.push_back({kA, {192, 0, 2, 2}});
    } else if (q.type == kAaaa) {
      Bytes v6(16, 0);
      v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 1;
      r.answers.push_back({kAaaa, v6});
    } else if (q.type == kTxt) {
      r.answers.push_back({kTxt, txt_rdata({"v=spf1 ", "-all"})});
      r.answers.push_back({kTxt, txt_rdata({"hello"})});
    } else if (q.type == kMx) {
      Bytes mx;
      put16(mx, 10);
      Bytes host = encode_name("mx1.example.test");
      mx.insert(mx.end(), host.begin(), host.end());
      r.answers.push_back({kMx, mx});
    }
    return r;
  }
  if (q.name == "1.2.0.192.in-addr.arpa" && q.type == kPtr) {
    r.answers.push_back({kPtr, encode_name("host.example.test")});
    return r;
  }
  if (q.name == "big.example.test" && q.type == kTxt) {
    if (!over_tcp) return Reply{.truncated = true};
    for (int i = 0; i < 12; ++i) {
      r.answers.push_back({kTxt, txt_rdata({std::string(200, static_cast<char>('a' + i))})});
    }
    return r;
  }
  return r;  // NODATA
}

Bytes encode(const Question& q, const Reply& r) {
  Bytes out;
  put16(out, q.id);
  out.push_back(static_cast<std::uint8_t>(0x84 | (r.truncated ? 0x02 : 0) |
                                          (q.recursion_desired ? 0x01 : 0)));  // QR AA
  out.push_back(static_cast<std::uint8_t>(r.rcode));
  put16(out, 1);
  put16(out, static_cast<unsigned>(r.answers.size()));
  put16(out, 0);
  put16(out, 0);
  out.insert(out.end(), q.raw.begin(), q.raw.end());
  for (const auto& [type, rdata] : r.answers) {
    put16(out, 0xc00c);  // pointer to the question name
    put16(out, type);
    put16(out, 1);
    put16(out, 0);
    put16(out, 300);
    put16(out, static_cast<unsigned>(rdata.size()));
    out.insert(out.end(), rdata.begin(), rdata.end());
  }
  return out;
}

void serve_tcp_connection(int fd, std::atomic<int>& counter) {
  // One query per round: 2-byte length, message. The client may send more.
  // Waits briefly after the first answer so the UDP side is not starved.
  for (int wait_ms = 2000;; wait_ms = 100) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, wait_ms) <= 0) return;
    std::uint8_t len_bytes[2];
    if (recv(fd, len_bytes, 2, MSG_WAITALL) != 2) return;
    const std::size_t len = static_cast<std::size_t>(len_bytes[0] << 8 | len_bytes[1]);
    Bytes msg(len);
    if (recv(fd, msg.data(), len, MSG_WAITALL) != static_cast<ssize_t>(len)) return;
    ++counter;
    auto q = parse_question(msg.data(), msg.size());
    if (!q) return;
    auto r = answer(*q, true);
    if (!r) continue;
    Bytes out = encode(*q, *r);
    Bytes framed;
    put16(framed, static_cast<unsigned>(out.size()));
    framed.insert(framed.end(), out.begin(), out.end());
    if (send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) < 0) return;
  }
}

}  // namespace

FakeDnsServer::FakeDnsServer(std::string ip, std::uint16_t port) : ip_(std::move(ip)) {
  // Same port number for UDP and TCP, as a real server has; retry if the
  // random UDP port is taken for TCP.
  for (int attempt = 0; attempt < 20 && !ok(); ++attempt) {
    if (udp_fd_ >= 0) close(udp_fd_), udp_fd_ = -1;
    udp_fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (inet_pton(AF_INET, ip_.c_str(), &addr.sin_addr) != 1) return;
    socklen_t addr_len = sizeof addr;
    if (bind(udp_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(udp_fd_, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) {
      continue;
    }
    port_ = ntohs(addr.sin_port);
    tcp_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(tcp_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(tcp_fd_, 8) != 0) {
      close(tcp_fd_);
      tcp_fd_ = -1;
    }
  }
  if (ok()) thread_ = std::thread([this] { serve(); });
}

FakeDnsServer::~FakeDnsServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (udp_fd_ >= 0) close(udp_fd_);
  if (tcp_fd_ >= 0) close(tcp_fd_);
}

void FakeDnsServer::serve() {
  // late.example.test: the first question is answered 300 ms later, the
  // ones asked again meanwhile never.
  struct Late {
    std::chrono::steady_clock::time_point due;
    Bytes reply;
    sockaddr_in to;
  };
  std::optional<Late> late;
  bool late_asked = false;
  while (!stop_) {
    if (late && std::chrono::steady_clock::now() >= late->due) {
      sendto(udp_fd_, late->reply.data(), late->reply.size(), 0,
             reinterpret_cast<sockaddr*>(&late->to), sizeof late->to);
      late.reset();
    }
    pollfd fds[2] = {{udp_fd_, POLLIN, 0}, {tcp_fd_, POLLIN, 0}};
    if (poll(fds, 2, 10) <= 0) continue;
    if ((fds[0].revents & POLLIN) != 0) {
      std::uint8_t buf[512];
      sockaddr_in from{};
      socklen_t from_len = sizeof from;
      const ssize_t n =
          recvfrom(udp_fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n <= 0) continue;
      ++udp_queries_;
      auto q = parse_question(buf, static_cast<std::size_t>(n));
      if (!q) continue;
      if (q->edns) ++edns_queries_;
      auto r = answer(*q, false);
      if (!r) continue;
      Bytes out = encode(*q, *r);
      if (q->name == "late.example.test") {
        if (!late_asked) {
          late = Late{std::chrono::steady_clock::now() + std::chrono::milliseconds(300), out, from};
        }
        late_asked = true;
        continue;
      }
      sendto(udp_fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
    }
    if ((fds[1].revents & POLLIN) != 0) {
      const int conn = accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      serve_tcp_connection(conn, tcp_queries_);
      close(conn);
    }
  }
}

}  // namespace mailroom::dns::testing
