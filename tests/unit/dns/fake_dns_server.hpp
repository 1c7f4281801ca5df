// A tiny authoritative DNS responder for tests: UDP and TCP on 127.0.0.1,
// one random port, answering a fixed zone under example.test:
//   www.example.test    A 192.0.2.1, 192.0.2.2; AAAA 2001:db8::1;
//                       TXT "v=spf1 " "-all" and "hello"; MX 10 mx1.example.test
//   1.2.0.192.in-addr.arpa  PTR host.example.test
//   nx.example.test     NXDOMAIN
//   servfail.example.test   SERVFAIL
//   noedns.example.test A 192.0.2.9, but FORMERR to a query with EDNS
//   slow.example.test   never answers
//   late.example.test   A 192.0.2.7, 300 ms after the first question; never again
//   big.example.test    TXT: truncated (TC) over UDP, 12 records over TCP
//   anything else under example.test: NODATA
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace mailroom::dns::testing {

class FakeDnsServer {
 public:
  // Binds (a random port unless `port`) and starts serving. Any 127.x.y.z
  // is this host; port 53 needs root.
  explicit FakeDnsServer(std::string ip = "127.0.0.1", std::uint16_t port = 0);
  ~FakeDnsServer();
  FakeDnsServer(const FakeDnsServer&) = delete;
  FakeDnsServer& operator=(const FakeDnsServer&) = delete;

  [[nodiscard]] bool ok() const { return udp_fd_ >= 0 && tcp_fd_ >= 0; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string address() const { return ip_ + ":" + std::to_string(port_); }
  [[nodiscard]] int udp_queries() const { return udp_queries_; }
  [[nodiscard]] int tcp_queries() const { return tcp_queries_; }
  [[nodiscard]] int edns_queries() const { return edns_queries_; }  // over UDP

 private:
  void serve();
  std::string ip_;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> udp_queries_{0};
  std::atomic<int> tcp_queries_{0};
  std::atomic<int> edns_queries_{0};
  std::thread thread_;
};

}  // namespace mailroom::dns::testing
