// The SPF record grammar (RFC 7208 §4.5, §4.6, §5, §6, §12): one record
// parsed whole before evaluation, so a syntax error anywhere is a permerror
// (§4.6) even when an earlier mechanism would have matched.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/spf.hpp"
#include "mailroom/dns/ip_address.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::auth {

enum class SpfMechanismKind : std::uint8_t { all, include, a, mx, ptr, ip4, ip6, exists };

struct SpfMechanism {
  SpfCode qualifier = SpfCode::pass;  // pass, fail, softfail or neutral (§4.6.2)
  SpfMechanismKind kind = SpfMechanismKind::all;
  std::string domain_spec;  // unexpanded; empty means the current domain
  dns::IpAddress network;   // ip4, ip6
  unsigned cidr4 = 32;      // ip4, a, mx
  unsigned cidr6 = 128;     // ip6, a, mx
  std::string text;         // the term as written, for explanations

  // include a mx ptr exists: the terms that cost a DNS lookup (§4.6.4).
  [[nodiscard]] bool queries_dns() const;
};

struct SpfModifier {
  std::string name;  // lower case
  std::string value;
};

struct SpfRecord {
  std::vector<SpfMechanism> mechanisms;
  std::optional<std::string> redirect;         // domain-spec (§6.1)
  std::optional<std::string> exp;              // domain-spec (§6.2)
  std::vector<SpfModifier> unknown_modifiers;  // ignored (§6)
};

// §4.5: "v=spf1" in any case, then a space or the end.
[[nodiscard]] bool is_spf_record(std::string_view txt);

// Errors are ErrorKind::parse (a permerror) or ErrorKind::limit, naming the term.
[[nodiscard]] Result<SpfRecord> parse_spf_record(std::string_view txt,
                                                 const SpfLimits& limits = {});

}  // namespace mailroom::auth
