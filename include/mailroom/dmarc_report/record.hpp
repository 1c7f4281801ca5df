// What one delivery contributes to the DMARC aggregate reports we send
// (RFC 7489 §7.2, Appendix C): a compact line per delivery whose From
// domain publishes a DMARC record with rua=, appended to the day's file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/authenticate.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::dmarc_report {

struct DkimOutcome {
  std::string domain;    // d=
  std::string selector;  // s=
  std::string result;    // DKIMResultType: pass, fail, policy, neutral, temperror, permerror
  friend bool operator==(const DkimOutcome&, const DkimOutcome&) = default;
};

// One delivery, in the terms of the report's <record> (Appendix C).
struct DeliveryRecord {
  std::int64_t time = 0;       // seconds since the epoch (UTC)
  std::string source_ip;       // the SMTP client
  std::string header_from;     // RFC5322.From domain
  std::string envelope_from;   // RFC5321.MailFrom domain; "" for the null sender
  std::string policy_domain;   // where the DMARC record was found (reports go by it)
  std::string policy_record;   // that record as published (policy_published, rua, ri)
  std::string disposition;     // none, quarantine, reject: what was applied
  std::string reason;          // PolicyOverrideType, "" when none
  std::string reason_comment;  // in words, "" when none
  bool dkim_aligned = false;   // policy_evaluated/dkim
  bool spf_aligned = false;    // policy_evaluated/spf
  std::string spf_domain;      // auth_results/spf
  std::string spf_scope;       // mfrom or helo
  std::string spf_result;      // SPFResultType
  std::vector<DkimOutcome> dkim;
  friend bool operator==(const DeliveryRecord&, const DeliveryRecord&) = default;
};

// Records longer than this are cut (DKIM signatures dropped from the end):
// one write(2) of a line this size is appended whole by O_APPEND.
inline constexpr std::size_t kMaxRecordBytes = 4000;

// "1\t<time>\t<ip>..." with '\n': fields percent-encoded so that no tab,
// newline, comma or colon from a hostile signature can break the line.
[[nodiscard]] std::string encode(const DeliveryRecord& record);
// The inverse; ErrorKind::parse for a line that is not a version-1 record.
[[nodiscard]] Result<DeliveryRecord> decode(std::string_view line);

// The record of a delivery, or nullopt when there is nothing to report: no
// DMARC record, no rua= in it, or no client address to report.
// `client_ip` and `mail_from` are what authentication checked.
[[nodiscard]] std::optional<DeliveryRecord> record_from(const auth::AuthResults& results,
                                                        std::string_view client_ip,
                                                        std::string_view mail_from,
                                                        std::int64_t now);

}  // namespace mailroom::dmarc_report
