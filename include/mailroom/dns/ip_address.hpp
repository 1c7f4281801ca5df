// An IPv4 or IPv6 address as DNS and SPF see it: bytes in network order,
// CIDR matching, and the reverse name a PTR query asks for.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mailroom::dns {

class IpAddress {
 public:
  enum class Family : std::uint8_t { v4, v6 };

  IpAddress() = default;  // 0.0.0.0
  static IpAddress v4(const std::array<std::uint8_t, 4>& bytes);
  static IpAddress v6(const std::array<std::uint8_t, 16>& bytes);

  // Dotted quad or RFC 4291 text ("::ffff:1.2.3.4" too); nullopt otherwise.
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] Family family() const { return family_; }
  [[nodiscard]] bool is_v4() const { return family_ == Family::v4; }
  [[nodiscard]] std::span<const std::uint8_t> bytes() const;

  // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2).
  [[nodiscard]] bool is_v4_mapped() const;
  // The IPv4 address inside a mapped one, else the address itself.
  [[nodiscard]] IpAddress unmapped() const;

  // True when the first `prefix` bits equal those of `network` (same family).
  [[nodiscard]] bool in_network(const IpAddress& network, unsigned prefix) const;

  // "192.0.2.1" or RFC 5952 text ("2001:db8::1").
  [[nodiscard]] std::string to_string() const;
  // "1.2.0.192.in-addr.arpa" or the 32 nibbles under "ip6.arpa" (RFC 3596 §2.5).
  [[nodiscard]] std::string reverse_name() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace mailroom::dns
