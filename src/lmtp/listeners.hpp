// The listening sockets of `mailroom lmtp`: "unix:/PATH" and
// "lmtp://ADDRESS:PORT" from lmtp.listeners, or those systemd passed
// (sd_listen_fds(3): LISTEN_PID, LISTEN_FDS, descriptors from 3).
#pragma once

#include <sys/socket.h>

#include <string>
#include <vector>

#include "mailroom/net/listener.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::lmtp {

struct Listening {
  UniqueFd fd;
  std::string name;         // for the log: the listener as configured
  std::string unlink_path;  // a Unix socket we made, removed at exit
  bool stats = false;       // lmtp.stats_listener: HTTP, the counters
};

[[nodiscard]] Result<std::vector<Listening>> open_listeners(const LmtpConfig& config);

// lmtp.stats_listener, "ADDRESS:PORT" on loopback only: the counters are
// for the host's own monitoring.
[[nodiscard]] Result<Listening> open_stats_listener(const std::string& address);

// The address of a numeric IPv4 or IPv6 listener spec; returns its length.
[[nodiscard]] socklen_t socket_address(const net::ListenerSpec& spec, sockaddr_storage& storage);

// The sockets systemd passed to this process; empty when none.
[[nodiscard]] std::vector<Listening> activated_listeners();

}  // namespace mailroom::lmtp
