// One listening socket from the configuration, as a URL without a path:
// "pop3://127.0.0.1:110", "pop3s://[::1]:995", "sieve://127.0.0.1" (without
// a port: the protocol's IANA port, 4190 for ManageSieve; no spaces, so it survives
// `-o serve.listeners=...`). A protocol name ending in
// "s" (pop3s, imaps) speaks TLS from the first byte; the others start in
// plaintext and offer STLS/STARTTLS when a certificate is configured.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::net {

struct ListenerSpec {
  std::string protocol;  // without the trailing "s": "pop3"
  std::string address;   // numeric IPv4 or IPv6, no brackets
  std::uint16_t port = 0;
  bool implicit_tls = false;
};

// `known` lists the protocols the caller serves ("pop3"); others are refused.
[[nodiscard]] Result<ListenerSpec> parse_listener(std::string_view text,
                                                  std::initializer_list<std::string_view> known);

// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: the peer is this host.
[[nodiscard]] bool is_loopback(std::string_view ip);

}  // namespace mailroom::net
