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

#include <chrono>
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

// Several MX hosts, one report (dmarc_report.redis, merge.hpp): every
// host's run publishes its day files to Redis (replacing what it published
// before); the first of `hosts` sends each report from the union of all
// hosts' records once every host has published past the period's end, or
// `grace` seconds after it with what is there (the output names the
// missing hosts), and keeps the exactly-once markers in Redis. The other
// hosts send no aggregate reports. Redis unreachable: the run fails
// (ErrorKind::temporary) and the next retries.
struct MergeOptions {
  std::string url;     // "redis://..."; "" = no merging
  std::string prefix;  // of every key
  std::chrono::milliseconds timeout{2000};
  std::string host;                             // this host's name in `hosts`
  std::vector<std::string> hosts;               // the first sends
  std::int64_t grace = std::int64_t{6} * 3600;  // seconds
  [[nodiscard]] bool enabled() const noexcept { return !url.empty(); }
  [[nodiscard]] bool sender() const noexcept { return !hosts.empty() && hosts.front() == host; }
};

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
  MergeOptions merge;
};

// What was done, one line per report ("sent example.com 2026-12-06 to
// <a@b> (3 records, 12 messages, 1234 bytes)"). Errors: the spool or lock
// cannot be used (ErrorKind::temporary / config). A report that could not
// be sent is a line, and is retried by the next run.
[[nodiscard]] Result<std::vector<std::string>> send_reports(const SendOptions& options);

// "YYYY-MM-DD" -> seconds since the epoch at 00:00:00 UTC; nullopt if malformed.
[[nodiscard]] std::optional<std::int64_t> parse_day(std::string_view day);

}  // namespace mailroom::dmarc_report
