#include "mailroom/dns/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace mailroom::dns {

IpAddress IpAddress::v4(const std::array<std::uint8_t, 4>& bytes) {
  IpAddress ip;
  ip.family_ = Family::v4;
  std::copy(bytes.begin(), bytes.end(), ip.bytes_.begin());
  return ip;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.family_ = Family::v6;
  ip.bytes_ = bytes;
  return ip;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton wants a NUL-terminated string and rejects anything longer
  // than the longest address text, so bound it first.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN + 1] = {};
  std::memcpy(buffer, text.data(), text.size());
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, buffer, bytes.data()) == 1) {
    return v4({bytes[0], bytes[1], bytes[2], bytes[3]});
  }
  if (inet_pton(AF_INET6, buffer, bytes.data()) == 1) return v6(bytes);
  return std::nullopt;
}

std::span<const std::uint8_t> IpAddress::bytes() const {
  return {bytes_.data(), is_v4() ? 4U : 16U};
}

bool IpAddress::is_v4_mapped() const {
  if (is_v4()) return false;
  static constexpr std::array<std::uint8_t, 12> kPrefix = {0, 0, 0, 0, 0,    0,
                                                           0, 0, 0, 0, 0xff, 0xff};
  return std::equal(kPrefix.begin(), kPrefix.end(), bytes_.begin());
}

IpAddress IpAddress::unmapped() const {
  if (!is_v4_mapped()) return *this;
  return v4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

bool IpAddress::in_network(const IpAddress& network, unsigned prefix) const {
  if (family_ != network.family_) return false;
  const unsigned max_bits = is_v4() ? 32U : 128U;
  prefix = std::min(prefix, max_bits);
  const unsigned whole = prefix / 8;
  if (!std::equal(bytes_.begin(), bytes_.begin() + whole, network.bytes_.begin())) return false;
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (bytes_[whole] & mask) == (network.bytes_[whole] & mask);
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof buffer);
  return buffer;
}

std::string IpAddress::reverse_name() const {
  std::string name;
  if (is_v4()) {
    for (int i = 3; i >= 0; --i) {
      name += std::to_string(bytes_[static_cast<std::size_t>(i)]);
      name += '.';
    }
    return name + "in-addr.arpa";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    const std::uint8_t byte = bytes_[static_cast<std::size_t>(i)];
    name += kHex[byte & 0x0f];
    name += '.';
    name += kHex[byte >> 4];
    name += '.';
  }
  return name + "ip6.arpa";
}

}  // namespace mailroom::dns
