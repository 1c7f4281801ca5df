// DMARC failure reports (ruf=, RFC 7489 §7.3) in the Authentication
// Failure format of RFC 6591 (an ARF report, RFC 5965, of Feedback-Type
// auth-failure; RFC 6651 for DKIM and RFC 6652 for SPF failures). Off by
// default (dmarc_report.failure_reports).
//
// Recorded at delivery, sent by `mailroom dmarc send`: a delivery must
// never wait for, or fail on, another message's DNS questions (§7.1
// verification of ruf= destinations) or sendmail; the day's spool is
// already open (as root, before privileges drop) and one O_APPEND write
// costs a delivery no more than the aggregate record. A failure is
// recorded already redacted (RFC 6590: the local part of every address
// outside the reported domain becomes "redacted"), so the spool never
// holds more than the report will say. Sending reuses the aggregate
// reports' sendmail path, markers and exactly-once child; the rate limit
// (at most N reports per reported domain and UTC hour of arrival, the
// first N in the file) is applied there, the same on every run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/authenticate.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::dmarc_report {

// One failure report, as recorded: everything but its envelope.
struct FailureRecord {
  std::int64_t time = 0;        // arrival, seconds since the epoch
  std::string policy_domain;    // where the DMARC record was found
  std::string policy_record;    // that record (ruf=, fo=) as published
  std::string reported_domain;  // the RFC5322.From domain
  std::string auth_failure;     // RFC 6591 Auth-Failure: dmarc, dkim or spf
  std::string source_ip;
  std::string feedback;  // the message/feedback-report fields, "\n" line ends
  std::string headers;   // the original header section, redacted
  friend bool operator==(const FailureRecord&, const FailureRecord&) = default;
};

// What the delivery knew, for failure_records().
struct FailureFacts {
  const auth::AuthResults& auth;
  const message::Message& message;
  std::string_view client_ip;
  std::string_view mail_from;  // "" for the null sender
  std::string_view rcpt_to;    // the recipient of this delivery
  std::string_view delivery;   // RFC 6591 Delivery-Result: delivered or spam
  std::int64_t now = 0;
};

// The reports fo= asks for (RFC 7489 §6.3): "0" (default) a DMARC report
// when DMARC failed; "1" one when any mechanism gave no aligned pass; "d"
// a DKIM report when a signature failed to verify; "s" an SPF report when
// SPF failed; none without ruf= or a client address.
[[nodiscard]] std::vector<FailureRecord> failure_records(const FailureFacts& facts);

// `text` with the local part of each address whose domain is not
// `keep_domain` or under it replaced by "redacted" (RFC 6590 §4).
[[nodiscard]] std::string redact_addresses(std::string_view text, std::string_view keep_domain);

// "F1\t..." with '\n'; the inverse is ErrorKind::parse for anything else.
[[nodiscard]] std::string encode_failure(const FailureRecord& record);
[[nodiscard]] Result<FailureRecord> decode_failure(std::string_view line);

// <spool>/<day>.failures, opened (as root, with O_APPEND) when
// dmarc_report.failure_reports is on; never fails a delivery.
class FailureRecorder {
 public:
  FailureRecorder() = default;  // records nothing
  static FailureRecorder open(const std::string& spool, std::int64_t now);
  [[nodiscard]] bool active() const { return fd_.valid(); }
  void append(const FailureRecord& record) const noexcept;

 private:
  UniqueFd fd_;
  std::string path_;
};

}  // namespace mailroom::dmarc_report
