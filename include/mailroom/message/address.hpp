// RFC 5322 §3.4 addresses: mailbox and group lists with comments, quoted
// local parts, obsolete routes and phrases (§4.4), RFC 6532 UTF-8, and
// RFC 2047 display names; plus subaddress (detail) split and IDN domains.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/defect.hpp"
#include "mailroom/message/limits.hpp"

namespace mailroom::message {

struct Address {
  std::string display_name;  // UTF-8, RFC 2047 decoded; a trailing comment if no phrase
  std::string local_part;    // quoting removed ("a b"@x gives: a b)
  std::string domain;        // as written (UTF-8 for IDN), "" if none; [1.2.3.4] kept
  std::string group;         // display name of the enclosing group, "" outside groups

  // local@domain, the local part quoted again if it needs it (§3.4.1).
  [[nodiscard]] std::string addr_spec() const;
  [[nodiscard]] bool empty() const noexcept { return local_part.empty() && domain.empty(); }
};

// Parses an address list header value (From, To, Cc, Reply-To, ...); folds
// may still be in it. Never fails: unparsable bits are skipped. Empty groups
// ("undisclosed-recipients:;") yield no address. At most limits.max_addresses.
std::vector<Address> parse_address_list(std::string_view value, const Limits& limits = {});

// The first address of a list (From, Sender), if any.
std::optional<Address> parse_mailbox(std::string_view value);

// Subaddress split (RFC 5233 style): "user+tag" -> local "user", detail "tag".
// The first character in `separators` found in the local part splits it.
struct AddressSplit {
  std::string local;
  std::string detail;
  std::string domain;
  bool has_detail = false;
};
AddressSplit split_address(const Address& address, std::string_view separators = "+");
AddressSplit split_address(std::string_view addr_spec, std::string_view separators = "+");

// IDNA2008 A-labels (RFC 5891, "xn--" Punycode) after the UTS #46 mapping,
// non-transitional (libidn2): upper case folded, NFC, U+3002 and other dots
// are dots. nullopt for invalid UTF-8, disallowed code points (RFC 5892),
// labels over 63 octets or an invalid "xn--" label.
std::optional<std::string> domain_to_ascii(std::string_view domain);
// The reverse: "xn--" labels decoded to UTF-8; nullopt if one is invalid.
std::optional<std::string> domain_to_unicode(std::string_view domain);

}  // namespace mailroom::message
