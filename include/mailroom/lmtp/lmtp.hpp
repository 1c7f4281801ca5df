// `mailroom lmtp`: deliver's pipeline behind an LMTP server (RFC 2033),
// for MTAs that hand mail over a socket instead of starting a process per
// message (mailroom-lmtp(8)). Nothing thrown crosses this entry point.
#pragma once

#include <string>
#include <vector>

#include "mailroom/util/config.hpp"

namespace mailroom::lmtp {

// Where the configuration came from, to read it again on SIGHUP.
struct ConfigSource {
  std::string path;
  bool explicit_path = false;
  std::vector<std::string> overrides;  // -o SECTION.KEY=VALUE
};

// Listens on lmtp.listeners (or the sockets systemd passed) until SIGTERM
// and all transactions in flight are done; returns the exit status (0, or
// 78 when it cannot listen).
[[nodiscard]] int serve(const Config& config, const ConfigSource& source) noexcept;

// `mailroom lmtp --stats`: prints the counters of the running server (from
// lmtp.stats_listener) to stdout; 0, 78 when no stats_listener is set, 69
// (EX_UNAVAILABLE) when the server does not answer.
[[nodiscard]] int print_stats(const Config& config) noexcept;

}  // namespace mailroom::lmtp
