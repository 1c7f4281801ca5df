// The listening process: accepts on every configured listener with
// Boost.Asio (C++20 coroutines), counts connections per client address,
// and hands each accepted socket to the protocol server, which serves it in
// a process of its own (mailroom-serve(8), "Privileges"). Signals:
// SIGTERM/SIGINT stop accepting and give sessions limits.shutdown_grace to
// end before they are sent SIGTERM; SIGHUP calls on_reload (new TLS
// certificate); SIGCHLD reaps the session processes.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mailroom/net/limits.hpp"
#include "mailroom/net/listener.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace boost::asio {
class io_context;
}

namespace mailroom::net {

struct Accepted {
  UniqueFd socket;
  std::string peer_ip;
  std::size_t listener = 0;  // index into the specs given to Server
};

// Counts open connections per client address (pure, unit-tested).
class ConnectionCounter {
 public:
  explicit ConnectionCounter(std::size_t max_per_ip) : max_per_ip_(max_per_ip) {}
  [[nodiscard]] bool try_add(const std::string& ip);
  void remove(const std::string& ip);
  [[nodiscard]] std::size_t total() const { return total_; }

 private:
  std::size_t max_per_ip_;
  std::size_t total_ = 0;
  std::vector<std::pair<std::string, std::size_t>> open_;
};

class Server {
 public:
  // The protocol server takes the connection; it calls `closed` once the
  // connection is over, so that it no longer counts against its address.
  using Closed = std::function<void()>;
  using OnConnection = std::function<void(Accepted, Closed)>;

  Server(std::vector<ListenerSpec> specs, Limits limits);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] boost::asio::io_context& io();
  // Binds every listener (as root, before privileges are dropped anywhere).
  [[nodiscard]] Status bind();
  // The port actually bound for listener `index` (port 0 in tests).
  [[nodiscard]] std::uint16_t bound_port(std::size_t index) const;
  // Session processes to send SIGTERM to when the grace time is over.
  void adopt(pid_t pid);
  // Runs until shut down; returns the exit status of `mailroom serve`.
  [[nodiscard]] int run(const OnConnection& on_connection, std::function<void()> on_reload);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailroom::net
