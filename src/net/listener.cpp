#include "mailroom/net/listener.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace mailroom::net {
namespace {

bool numeric_address(const std::string& text) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, text.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// The IANA ports, for a listener written without one.
std::uint16_t default_port(std::string_view protocol, bool implicit_tls) {
  if (protocol == "pop3") return implicit_tls ? 995 : 110;
  if (protocol == "imap") return implicit_tls ? 993 : 143;
  if (protocol == "sieve" && !implicit_tls) return 4190;  // RFC 5804 §1.8
  return 0;
}

}  // namespace

Result<ListenerSpec> parse_listener(std::string_view text,
                                    std::initializer_list<std::string_view> known) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorKind::config, "listener '" + std::string(text) + "': " + why);
  };
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return bad("expected PROTOCOL://ADDRESS:PORT");
  ListenerSpec spec;
  std::string_view protocol = text.substr(0, scheme_end);
  std::string_view where = text.substr(scheme_end + 3);
  for (auto name : known) {
    if (protocol == name) spec.protocol = std::string(name);
    if (protocol.size() == name.size() + 1 && protocol.substr(0, name.size()) == name &&
        protocol.back() == 's') {
      spec.protocol = std::string(name);
      spec.implicit_tls = true;
    }
  }
  if (spec.protocol.empty()) return bad("unknown protocol '" + std::string(protocol) + "'");
  auto colon = where.rfind(':');
  std::string with_port;
  if (colon == std::string_view::npos || (!where.empty() && where.back() == ']')) {
    auto port = default_port(spec.protocol, spec.implicit_tls);
    if (port == 0) return bad("expected ADDRESS:PORT");
    with_port = std::string(where) + ":" + std::to_string(port);
    where = with_port;
    colon = where.rfind(':');
  }
  std::string_view host = where.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 address goes in brackets: [::1]:110");
  }
  spec.address = std::string(host);
  if (!numeric_address(spec.address)) return bad("address must be numeric IPv4 or [IPv6]");
  auto port_text = where.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
    return bad("bad port '" + std::string(port_text) + "'");
  spec.port = static_cast<std::uint16_t>(port);
  return spec;
}

bool is_loopback(std::string_view ip) {
  std::string text(ip);
  unsigned char buf[16];
  if (::inet_pton(AF_INET, text.c_str(), buf) == 1) return buf[0] == 127;
  if (::inet_pton(AF_INET6, text.c_str(), buf) != 1) return false;
  static const unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(buf, kLoopback6, 16) == 0) return true;
  return std::memcmp(buf, kMapped, 12) == 0 && buf[12] == 127;
}

}  // namespace mailroom::net
