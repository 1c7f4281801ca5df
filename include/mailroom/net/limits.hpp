// Limits of one listening server and of each of its sessions
// ([serve] in mailroom.toml(5)). Every limit is enforced as the input
// arrives, never after.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mailroom::net {

struct Limits {
  std::size_t max_connections_per_ip = 10;
  std::size_t max_line = 8192;  // octets of one command line, CRLF excluded
  // RFC 1939 section 3: the autologout timer is at least 10 minutes once
  // logged in; before login a client has no reason to wait that long.
  std::chrono::seconds login_timeout{60};
  std::chrono::seconds idle_timeout{600};
  std::uint64_t session_memory = 256ULL << 20;  // address space of each session process
  std::chrono::seconds shutdown_grace{10};      // SIGTERM: sessions may finish for this long
};

}  // namespace mailroom::net
