// The network resolver, on c-ares (Debian libc-ares-dev).
//
// Why c-ares rather than ldns or libunbound: it is small (one ~150 KB
// library, no dependencies), asynchronous (we drive its sockets with poll and
// stop exactly at our deadline), needs no daemon or trust-anchor files
// (libunbound wants a root key and its own config to be worth using; ldns is
// a wire-format library that leaves sockets, retries and TCP to us), reads
// /etc/resolv.conf like every other program on the host, and retries over
// TCP by itself when a UDP answer comes back truncated.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "mailroom/dns/resolver.hpp"

namespace mailroom::dns {

struct CaresOptions {
  // "host", "host:port", "[v6]:port" or a comma-separated list of them.
  // Empty: the nameservers of /etc/resolv.conf.
  std::string servers;
  // One query, all tries included; the message's Deadline cuts it shorter.
  std::chrono::milliseconds query_timeout{5000};
  int tries = 2;
  // Bounds what one answer may add to memory (untrusted input).
  std::size_t max_records = 256;
};

class CaresResolver final : public Resolver {
 public:
  // Touches neither the network nor c-ares: `deliver` runs once per message
  // and most messages need DNS late or never, so start-up stays cheap. The
  // channel is made by the first query.
  explicit CaresResolver(CaresOptions options = {});
  ~CaresResolver() override;

  Result<Answer> query(std::string_view name, RecordType type, Deadline deadline) override;
  // Sends the question on the channel now; query() then waits for that
  // answer instead of asking again. At most kMaxAhead are in flight.
  void send_ahead(std::string_view name, RecordType type) override;
  // Runs `work` the first time a query finds no answer ready and must wait.
  void while_waiting(std::function<void()> work) override;

  // True once the first query has set c-ares up (tests check laziness).
  [[nodiscard]] bool initialised() const;
  // Questions sent ahead and not yet taken by query() (for tests).
  [[nodiscard]] std::size_t sent_ahead() const;

  static constexpr std::size_t kMaxAhead = 32;

 private:
  struct Channel;
  struct Ahead;
  Status ensure_channel();

  CaresOptions options_;
  // Declared before channel_ so that it outlives it: destroying the
  // channel completes every outstanding query into these records.
  std::unique_ptr<Ahead> ahead_;
  std::unique_ptr<Channel> channel_;
  std::function<void()> idle_work_;
};

}  // namespace mailroom::dns
