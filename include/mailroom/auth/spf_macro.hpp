// SPF macros (RFC 7208 §7): checked when the record is parsed, expanded
// when a term is evaluated.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mailroom/dns/ip_address.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::auth {

enum class MacroUse : std::uint8_t {
  domain_spec,  // letters s l o d i p v h (§7.1)
  explanation,  // also c r t, and spaces between macro-strings (§6.2, §7.1)
  modifier,     // an unknown modifier's value: any macro-string (§6)
};

struct SpfMacroContext {
  std::string_view sender;         // s
  std::string_view local_part;     // l
  std::string_view sender_domain;  // o
  std::string_view domain;         // d: the current domain
  std::string_view helo;           // h
  std::string_view receiver;       // r
  dns::IpAddress ip;               // i c v
  std::int64_t timestamp = 0;      // t
  // p: the validated domain name of ip, looked up only if a macro asks.
  std::function<std::string()> validated_name;
};

// Syntax of a macro-string (§7.1). For MacroUse::domain_spec it also
// checks the domain-end: a macro, or "." and a valid top label.
[[nodiscard]] Status check_macro_string(std::string_view text, MacroUse use);

// Checks as above, then expands. Domain names longer than 253 octets lose labels
// on the left until they fit (§7.3).
[[nodiscard]] Result<std::string> expand_macros(std::string_view text,
                                                const SpfMacroContext& context, MacroUse use);

}  // namespace mailroom::auth
