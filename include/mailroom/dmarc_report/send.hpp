// `mailroom dmarc send`: the aggregate reports of the recorded days, one
// per policy domain and period, gzipped and mailed to the domain's rua=
// addresses as RFC 7489 §7.2.1.1 describes, each exactly once.
//
// Exactly once: a report's id is derived from its domain and period, so a
// retry sends the same report. The sending runs in a child process that
// marks the report sent (<spool>/sent/<day>/<domain>, written and synced)
// as soon as sendmail exits 0; the run holds <spool>/send.lock, which that
// child inherits. A `dmarc send` killed while a report is in flight leaves
// the child to finish and mark it, and the next run waits for the lock, so
// it sees the mark and does not send again. A failed sendmail leaves no
// mark: the next run sends the report. What remains is the machine losing
// power between sendmail's exit and the mark's fsync: then the next run
// sends the same report again, with the same Report-ID, which report
// readers (ours included) take as a duplicate.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/psl.hpp"
#include "mailroom/dns/resolver.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::dmarc_report {

// Hands a message to the MTA; ErrorKind::temporary when it was not taken.
using SendFunction =
    std::function<Status(const std::string& sender, const std::vector<std::string>& recipients,
                         std::string_view message)>;

struct SendOptions {
  std::string spool;               // dmarc_report.spool
  std::string org_name;            // our domain: Submitter:, the file name's receiver
  std::string email;               // report_metadata/email and the envelope sender
  std::optional<std::string> day;  // YYYY-MM-DD; nullopt: every finished day not yet done
  bool dry_run = false;            // say what would be sent; send and mark nothing
  std::int64_t now = 0;            // seconds since the epoch
  SendFunction send;
  dns::Resolver* resolver = nullptr;  // external destination verification (§7.1)
  const auth::PublicSuffixList* psl = nullptr;
  bool failure_reports = false;        // dmarc_report.failure_reports (failure.hpp)
  std::size_t failures_per_hour = 10;  // dmarc_report.failure_reports_per_hour
};

// What was done, one line per report ("sent example.com 2026-12-06 to
// <a@b> (3 records, 12 messages, 1234 bytes)"). Errors: the spool or lock
// cannot be used (ErrorKind::temporary / config). A report that could not
// be sent is a line, and is retried by the next run.
[[nodiscard]] Result<std::vector<std::string>> send_reports(const SendOptions& options);

// "YYYY-MM-DD" -> seconds since the epoch at 00:00:00 UTC; nullopt if malformed.
[[nodiscard]] std::optional<std::int64_t> parse_day(std::string_view day);

}  // namespace mailroom::dmarc_report
