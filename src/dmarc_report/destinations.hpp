// Where a report goes (RFC 7489 §7.1, §6.4): the mailto: URIs of rua=,
// each with its size limit, external destinations only when they agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/auth/psl.hpp"
#include "mailroom/dns/resolver.hpp"

namespace mailroom::dmarc_report {

struct Destination {
  std::string address;                     // addr-spec
  std::optional<std::uint64_t> max_bytes;  // "!10m"
};

struct Destinations {
  std::vector<Destination> verified;
  std::vector<std::string> notes;  // why a URI was left out, in words
  bool retry_later = false;        // a verification query failed for now (DNS)
};

// §7.1: a destination whose organisational domain differs from the policy
// domain's is used only when <policy-domain>._report._dmarc.<dest-domain>
// publishes a TXT record starting "v=DMARC1". Only mailto: is supported.
[[nodiscard]] Destinations destinations(const std::string& policy_domain,
                                        const auth::DmarcRecord& record, dns::Resolver& resolver,
                                        const auth::PublicSuffixList& psl);

}  // namespace mailroom::dmarc_report
