// The authentication stage of a delivery (issue 4): SPF, DKIM, ARC and DMARC
// on one message, one Authentication-Results value, the forged fields to
// rename, and an explanation in words for `mailroom auth check`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/auth/arc.hpp"
#include "mailroom/auth/authentication_results.hpp"
#include "mailroom/auth/dkim_verify.hpp"
#include "mailroom/auth/dmarc.hpp"
#include "mailroom/auth/spf.hpp"
#include "mailroom/dns/resolver.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::auth {

struct AuthConfig {
  bool enabled = true;
  std::string authserv_id;                        // empty -> the host name (only here)
  std::vector<std::string> trusted_authserv_ids;  // reuse their A-R instead of checking
  std::string psl_path = "/usr/share/publicsuffix/public_suffix_list.dafsa";
  std::chrono::milliseconds dns_timeout{2000};  // per query
  std::chrono::milliseconds dns_budget{8000};   // for the whole message, shared out per check
  // pct= sampling (0..99); unset: std::random_device. Tests fix it.
  std::function<unsigned()> random_percent;
  // DKIM clock (seconds since the epoch); unset: the system clock.
  std::function<std::int64_t()> clock;
  // DkimOptions::hash_body_without_key: false where no explain() follows.
  bool hash_body_without_key = true;
};

struct AuthInput {
  std::string client_ip;  // empty: unknown, no SPF check
  std::string helo;
  std::optional<std::string> mail_from;  // "" = null sender; nullopt = unknown (HELO check only)
};

// Which identity the SPF result is about (RFC 8601 §2.7.2 smtp.mailfrom or
// smtp.helo).
enum class SpfIdentity : std::uint8_t { mail_from, helo };

struct AuthResults {
  std::string authserv_id;
  std::optional<SpfResult> spf;  // nullopt: no client IP, nothing checked
  SpfIdentity spf_identity = SpfIdentity::mail_from;
  std::string spf_identity_value;  // the address or HELO name checked
  std::vector<DkimResult> dkim;    // one per DKIM-Signature, top to bottom
  DmarcResult dmarc;
  ArcResult arc;
  bool from_trusted_upstream = false;
  std::string upstream_authserv_id;
  std::string header_value;         // our one Authentication-Results value (no field name)
  std::vector<std::size_t> forged;  // indices into message.headers() claiming our authserv-id
  // Notes made while checking (e.g. SPF not checked: no client IP); the
  // full account is explain()'s.
  std::vector<std::string> explanation;
  // The policy the pipeline should apply (DMARC's, after pct=): the scorer
  // and Sieve read this.
  [[nodiscard]] DmarcPolicy policy() const noexcept { return dmarc.policy; }
};

// Never throws; DNS timeouts/SERVFAIL become temperror results; never
// exceeds dns_budget. With config.enabled false: only forged fields are
// found, header_value is empty.
[[nodiscard]] AuthResults authenticate(const message::Message& message, const AuthInput& input,
                                       dns::Resolver& resolver, const AuthConfig& config) noexcept;

// The results in words, for people (`mailroom auth check`): what each check
// found and, where one failed, what to fix. Not part of authenticate():
// `deliver` logs a one-line summary and nobody would read this there.
[[nodiscard]] std::vector<std::string> explain(const AuthResults& results);

// "spf=pass dkim=pass,fail dmarc=fail arc=none": each method's results in
// the order of the Authentication-Results value, for one log line.
[[nodiscard]] std::string summarize(const AuthResults& results);

// The results as an Authentication-Results model under `authserv_id` (what
// header_value renders).
[[nodiscard]] AuthenticationResults to_authentication_results(const AuthResults& results,
                                                              const AuthInput& input);

}  // namespace mailroom::auth
