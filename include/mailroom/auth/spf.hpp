// SPF (RFC 7208): is this client IP allowed to send for this domain?
//
//   auto r = check_mail_from(ip, "alice@example.org", "mx.example.org", resolver);
//   r.code == SpfCode::pass; r.why == "192.0.2.1 matched 'ip4:192.0.2.0/24' ..."
//
// Every DNS query goes through the one Resolver, bounded by the Deadline and
// by the limits of §4.6.4; nothing here throws or blocks past the deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailroom/dns/deadline.hpp"
#include "mailroom/dns/ip_address.hpp"
#include "mailroom/dns/resolver.hpp"

namespace mailroom::auth {

// The results of RFC 7208 §2.6, spelled as in Received-SPF and
// Authentication-Results (RFC 8601 §2.7.2).
enum class SpfCode : std::uint8_t { none, neutral, pass, fail, softfail, temperror, permerror };

[[nodiscard]] std::string_view to_string(SpfCode code);

struct SpfLimits {
  int max_dns_terms = 10;               // include a mx ptr exists redirect (§4.6.4)
  int max_void_lookups = 2;             // NXDOMAIN or empty answers (§4.6.4)
  int max_mx_names = 10;                // more MX records than this: permerror (§4.6.4)
  int max_ptr_names = 10;               // PTR names looked at; the rest ignored (§4.6.4)
  std::size_t max_record_bytes = 4096;  // a longer SPF record: permerror
  std::size_t max_terms = 256;          // terms in one record: permerror past it
  std::size_t max_explanation_bytes = 1024;
  // §4.6.4: bound the whole check in time, allowing at least 20 seconds.
  std::chrono::milliseconds time_budget{20000};
  // Not a limit: the "r" macro, our host name in explanations (§7.3).
  std::string receiver = "unknown";
};

struct SpfResult {
  SpfCode code = SpfCode::none;
  std::string domain;       // the domain whose record decided (after redirect=)
  std::string record;       // that SPF record, as published
  std::string mechanism;    // the directive that matched, as written; empty if none did
  std::string explanation;  // the sender's exp= text, only for fail (§6.2)
  std::string why;          // for people: what was found and why it gave this result
  int dns_terms = 0;        // DNS-querying terms evaluated
  int void_lookups = 0;
};

// check_host() of RFC 7208 §4. `sender` is the MAIL FROM address, or
// "postmaster@<helo>" for the HELO identity; `helo` feeds the "h" macro.
[[nodiscard]] SpfResult check_host(const dns::IpAddress& ip, std::string_view domain,
                                   std::string_view sender, std::string_view helo,
                                   dns::Resolver& resolver, const SpfLimits& limits = {},
                                   dns::Deadline deadline = dns::Deadline::never());

// The MAIL FROM identity (§2.4): an empty reverse-path checks the HELO name
// as postmaster@<helo>; a sender without a local-part gets "postmaster".
[[nodiscard]] SpfResult check_mail_from(const dns::IpAddress& ip, std::string_view mail_from,
                                        std::string_view helo, dns::Resolver& resolver,
                                        const SpfLimits& limits = {},
                                        dns::Deadline deadline = dns::Deadline::never());

// The HELO identity (§2.3).
[[nodiscard]] SpfResult check_helo(const dns::IpAddress& ip, std::string_view helo,
                                   dns::Resolver& resolver, const SpfLimits& limits = {},
                                   dns::Deadline deadline = dns::Deadline::never());

}  // namespace mailroom::auth
