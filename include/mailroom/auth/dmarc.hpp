// DMARC evaluation (RFC 7489 §6.6): policy discovery at the author domain and
// its organisational domain, identifier alignment of the SPF and DKIM
// results, and the policy to apply (with pct= sampling).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/dkim_verify.hpp"
#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/auth/psl.hpp"
#include "mailroom/auth/spf.hpp"
#include "mailroom/dns/deadline.hpp"
#include "mailroom/dns/resolver.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::message {
class Message;
}

namespace mailroom::auth {

// RFC 7489 §11.2 result values for "dmarc=" in Authentication-Results.
enum class DmarcCode : std::uint8_t { none, pass, fail, temperror, permerror };

[[nodiscard]] std::string_view to_string(DmarcCode code) noexcept;

// The author domain (RFC 7489 §6.6.1): the domain of the RFC5322.From
// address, as an A-label, lower case. Errors (kind parse) say why there is
// none: no From field, several From fields, no address, a domain literal,
// or authors from different domains.
[[nodiscard]] Result<std::string> author_domain(const message::Message& message);

struct DmarcInput {
  std::string from_domain;  // author_domain()
  // SPF result for the MAIL FROM identity (postmaster@HELO for a null
  // sender, RFC 7208 §2.4) and that identity's domain. nullopt: not checked.
  std::optional<SpfCode> spf;
  std::string spf_domain;
  std::span<const DkimResult> dkim;  // every signature's result
};

struct DmarcOptions {
  DmarcLimits limits;
  dns::Deadline deadline = dns::Deadline::never();
  // 0..99, uniform; pct= sampling (§6.6.4). Unset: std::random_device.
  std::function<unsigned()> random_percent;
};

struct DmarcResult {
  DmarcCode code = DmarcCode::none;
  std::string from_domain;    // header.from
  std::string org_domain;     // organisational domain of from_domain
  std::string record_domain;  // where the record was found (from or org domain)
  std::string record_text;    // the record as published
  std::optional<DmarcRecord> record;
  DmarcPolicy published = DmarcPolicy::none;  // p= or sp= that governs from_domain
  DmarcPolicy policy = DmarcPolicy::none;     // what to do: none unless fail
  bool sampled_out = false;                   // pct= < 100 and this message was not sampled
  bool spf_aligned = false;                   // SPF passed for an aligned domain
  bool dkim_aligned = false;                  // a DKIM signature passed for an aligned d=
  std::string aligned_spf_domain;
  std::string aligned_dkim_domain;
  std::string reason;  // in words: why this result
  // What the domain's postmaster should fix, empty when nothing.
  std::string advice;
};

// Relaxed: same organisational domain; strict: the same name (§3.1).
[[nodiscard]] bool aligned(std::string_view a, std::string_view b, DmarcAlignment mode,
                           const PublicSuffixList& psl);

// §6.6.2 - §6.6.4. Never throws.
[[nodiscard]] DmarcResult check_dmarc(const DmarcInput& input, dns::Resolver& resolver,
                                      const PublicSuffixList& psl,
                                      const DmarcOptions& options = {});

// The policy result when the author domain could not be found: permerror
// with `why` as the reason.
[[nodiscard]] DmarcResult dmarc_no_author(std::string_view why);

}  // namespace mailroom::auth
