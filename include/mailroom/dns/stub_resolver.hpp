// The network resolver: a DNS stub resolver (RFC 1034 §5.3.1) of our own
// that asks the recursive servers of the configuration or of
// /etc/resolv.conf, over UDP with EDNS (RFC 6891) and over TCP when an
// answer comes back truncated (RFC 7766).
//
// Why our own and not c-ares (used until 2026-11): `deliver` runs once per
// message and c-ares 1.18 spends about 0.5 ms making its channel (74 KB of
// query tables written at once, resolv.conf through stdio, its random
// source), measured in a process that did nothing else; that was half of
// what authentication added to a delivery. Mail checks need five record
// types, recursion from a trusted server and a per-message time budget,
// which is small enough to own. The answers are parsed by dns/wire.hpp
// (fuzzed: tests/fuzz/dns_wire.cpp).
//
// Spoofing defences (RFC 5452): a random ID per question from getrandom(2),
// a connected UDP socket per server (the kernel picks a random source port
// and drops datagrams from any other address), and an answer is taken only
// when its question is ours.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "mailroom/dns/resolver.hpp"

namespace mailroom::dns {

struct StubOptions {
  // "host", "host:port", "[v6]:port" or a comma-separated list of them.
  // Empty: the nameservers of `resolv_conf`.
  std::string servers;
  std::string resolv_conf = "/etc/resolv.conf";
  // One query, all tries included; the message's Deadline cuts it shorter.
  // The time is shared out evenly between tries x servers attempts.
  std::chrono::milliseconds query_timeout{5000};
  int tries = 2;
  // Bounds what one answer may add to memory (untrusted input).
  std::size_t max_records = 256;
};

class StubResolver final : public Resolver {
 public:
  // Touches neither the network nor any file: most messages need DNS late
  // or never. The servers are read and the sockets made by the first query.
  explicit StubResolver(StubOptions options = {});
  ~StubResolver() override;

  Result<Answer> query(std::string_view name, RecordType type, Deadline deadline) override;
  // Sends the question now; query() then waits for that answer instead of
  // asking again. At most kMaxAhead are in flight.
  void send_ahead(std::string_view name, RecordType type) override;
  // Runs `work` the first time a query finds no answer ready and must wait.
  void while_waiting(std::function<void()> work) override;

  // True once the first query has read the servers (tests check laziness).
  [[nodiscard]] bool initialised() const;
  // Questions sent ahead and not yet taken by query() (for tests).
  [[nodiscard]] std::size_t sent_ahead() const;

  static constexpr std::size_t kMaxAhead = 32;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mailroom::dns
