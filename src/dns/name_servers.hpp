// Where the stub resolver sends its questions: the servers of the
// configuration (auth.dns_server) or those of /etc/resolv.conf.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::dns::detail {

struct NameServer {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // as configured, for messages
};

// "host", "host:port", "[v6]:port" or a bare IPv6 address, several separated
// by commas. Addresses only: a resolver cannot ask DNS where DNS is. An
// entry that is none of these is ErrorKind::config, naming it.
[[nodiscard]] Result<std::vector<NameServer>> parse_name_servers(std::string_view list);

// The "nameserver" lines of a resolv.conf(5), at most three (MAXNS), port 53.
// No file or no line: 127.0.0.1, as the C library does. Other lines (search,
// domain, options) do not apply: every name mailroom asks is absolute, and
// the configuration sets timeouts and tries.
[[nodiscard]] std::vector<NameServer> read_resolv_conf(const std::string& path);

}  // namespace mailroom::dns::detail
