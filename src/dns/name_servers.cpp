#include "dns/name_servers.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <optional>

#include "mailroom/util/file.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::dns::detail {
namespace {

constexpr std::uint16_t kDnsPort = 53;
constexpr std::size_t kMaxResolvConfServers = 3;  // MAXNS in <resolv.h>
constexpr std::size_t kMaxResolvConfBytes = std::size_t{64} * 1024;

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// An IPv6 literal, with an optional "%scope" (interface name or number) for
// link-local servers, as resolv.conf allows.
std::optional<NameServer> ipv6_server(std::string_view host, std::uint16_t port) {
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(port);
  std::string address(host.substr(0, host.find('%')));
  if (::inet_pton(AF_INET6, address.c_str(), &sin6.sin6_addr) != 1) return std::nullopt;
  if (const auto percent = host.find('%'); percent != std::string_view::npos) {
    const std::string scope(host.substr(percent + 1));
    unsigned index = ::if_nametoindex(scope.c_str());
    if (index == 0) {
      const auto* end = scope.data() + scope.size();
      const auto [ptr, ec] = std::from_chars(scope.data(), end, index);
      if (ec != std::errc() || ptr != end) return std::nullopt;
    }
    sin6.sin6_scope_id = index;
  }
  NameServer server;
  std::memcpy(&server.address, &sin6, sizeof sin6);
  server.length = sizeof sin6;
  return server;
}

std::optional<NameServer> ipv4_server(std::string_view host, std::uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  const std::string address(host);
  if (::inet_pton(AF_INET, address.c_str(), &sin.sin_addr) != 1) return std::nullopt;
  NameServer server;
  std::memcpy(&server.address, &sin, sizeof sin);
  server.length = sizeof sin;
  return server;
}

// One entry: "[v6]:port", a bare v6 (two colons or more), "v4:port", "v4".
std::optional<NameServer> parse_entry(std::string_view entry) {
  std::string_view host = entry;
  std::uint16_t port = kDnsPort;
  if (entry.starts_with('[')) {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = entry.substr(1, close - 1);
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return std::nullopt;
      const auto p = parse_port(rest.substr(1));
      if (!p) return std::nullopt;
      port = *p;
    }
    return ipv6_server(host, port);
  }
  const auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) != std::string_view::npos)
    return ipv6_server(entry, port);
  if (colon != std::string_view::npos) {
    host = entry.substr(0, colon);
    const auto p = parse_port(entry.substr(colon + 1));
    if (!p) return std::nullopt;
    port = *p;
  }
  return ipv4_server(host, port);
}

}  // namespace

Result<std::vector<NameServer>> parse_name_servers(std::string_view list) {
  std::vector<NameServer> servers;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view entry = trim_space(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    auto server = parse_entry(entry);
    if (!server) {
      return fail(ErrorKind::config,
                  "bad DNS server \"" + std::string(entry) + "\": want an IP address[:port]");
    }
    server->text = std::string(entry);
    servers.push_back(std::move(*server));
  }
  if (servers.empty()) return fail(ErrorKind::config, "no DNS server given");
  return servers;
}

std::vector<NameServer> read_resolv_conf(const std::string& path) {
  std::vector<NameServer> servers;
  auto text = read_whole_file(path, kMaxResolvConfBytes, ErrorKind::config);
  std::string_view rest = text ? std::string_view(*text) : std::string_view{};
  while (!rest.empty() && servers.size() < kMaxResolvConfServers) {
    const auto newline = rest.find('\n');
    std::string_view line = trim_space(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    if (!line.starts_with("nameserver") || line.size() == 10 ||
        (line[10] != ' ' && line[10] != '\t'))
      continue;
    line = trim_space(line.substr(10));
    line = line.substr(0, line.find_first_of(" \t#;"));
    auto server = parse_entry(line);
    if (!server) continue;  // the C library skips what it cannot read, too
    server->text = std::string(line);
    servers.push_back(std::move(*server));
  }
  if (servers.empty()) {
    auto fallback = parse_entry("127.0.0.1");
    fallback->text = "127.0.0.1";
    servers.push_back(std::move(*fallback));
  }
  return servers;
}

}  // namespace mailroom::dns::detail
