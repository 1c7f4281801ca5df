// Sending failure reports (failure_send.hpp).
#include "dmarc_report/failure_send.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "dmarc_report/destinations.hpp"
#include "dmarc_report/fnv.hpp"
#include "dmarc_report/interval.hpp"
#include "dmarc_report/report_message.hpp"
#include "dmarc_report/send_child.hpp"
#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/util/file.hpp"

namespace mailroom::dmarc_report {
namespace {

constexpr std::int64_t kHour = 3600;

bool eight_bit(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string join_addresses(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "<" : ", <") + a + ">";
  return out;
}

std::string describe(const FailureRecord& r) {
  return "failure report " + r.auth_failure + " for " + r.reported_domain + " (" + r.source_ip +
         ", " + rfc5322_date(r.time) + ")";
}

struct Line {
  std::size_t offset = 0;
  FailureRecord record;
};

std::vector<Line> read_failures(const std::string& spool, const std::string& day) {
  std::vector<Line> lines;
  auto text =
      read_whole_file(spool + "/" + day + ".failures", std::size_t{80} << 20, ErrorKind::temporary);
  if (!text) return lines;
  std::size_t start = 0;
  while (start < text->size()) {
    const auto end = text->find('\n', start);
    if (end == std::string::npos) break;  // being written, or cut short
    if (auto record = decode_failure(std::string_view(*text).substr(start, end - start)))
      lines.push_back({start, std::move(*record)});
    start = end + 1;
  }
  return lines;
}

// Who gets it: ruf= as §7.1 verifies it, !size limits as for rua=.
Destinations failure_destinations(const FailureRecord& r, const SendOptions& options) {
  auto record = auth::parse_dmarc_record(r.policy_record);
  if (!record) return {};
  auth::DmarcRecord ruf = *record;
  ruf.aggregate_reports = ruf.failure_reports;  // destinations() reads rua=
  return destinations(r.policy_domain, ruf, *options.resolver, *options.psl);
}

void send_one(const Line& line, const std::string& day, const SentState& state,
              const SendOptions& options, FailureOutcome& outcome) {
  const auto& r = line.record;
  const std::string marker = "F" + std::to_string(line.offset);
  auto where = failure_destinations(r, options);
  for (const auto& note : where.notes) outcome.lines.push_back("  " + note);
  std::string id = day + "." + std::to_string(line.offset) + "." +
                   fnv1a_hex(r.reported_domain + "!" + options.org_name);
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  std::vector<std::string> everyone;
  for (const auto& d : where.verified) everyone.push_back(d.address);
  const auto size = failure_message(r, everyone, id, options).size();
  std::vector<std::string> recipients;
  for (const auto& d : where.verified)
    if (!d.max_bytes || size <= *d.max_bytes) recipients.push_back(d.address);
  if (recipients.empty()) {
    if (where.retry_later) {
      outcome.settled = false;
      outcome.lines.push_back("later " + describe(r));
      return;
    }
    outcome.lines.push_back("skipped " + describe(r) + ": no destination takes it");
    if (!options.dry_run) (void)state.mark(day, marker, "skipped: no destination\n");
    return;
  }
  const std::string what = describe(r) + " to " + join_addresses(recipients);
  if (options.dry_run) {
    outcome.lines.push_back("would send " + what);
    return;
  }
  const std::string message = failure_message(r, recipients, id, options);
  auto sent = send_in_child(options, recipients, message, r.reported_domain,
                            [&] { return state.mark(day, marker, "sent " + id + "\n"); });
  if (!sent) {
    outcome.settled = false;
    outcome.lines.push_back("failed " + describe(r) + ": " + sent.error().message +
                            " (retried next run)");
    return;
  }
  outcome.lines.push_back("sent " + what);
}

}  // namespace

std::string failure_message(const FailureRecord& r, const std::vector<std::string>& recipients,
                            const std::string& id, const SendOptions& options) {
  const std::string boundary = "=_mailroom_ruf_" + id;
  std::string to;
  for (const auto& a : recipients) to += (to.empty() ? "" : ", ") + a;
  std::string out;
  out += "From: <" + options.email + ">\n";
  out += "To: " + to + "\n";
  out += "Date: " + rfc5322_date(options.now) + "\n";
  out += "Subject: DMARC failure report for " + r.reported_domain + " (" + r.auth_failure +
         ", from " + r.source_ip + ")\n";
  out += "Message-ID: <" + id + "@" + options.org_name + ">\n";
  out += "Auto-Submitted: auto-generated\n";  // RFC 3834: no replies, no loops
  out += "MIME-Version: 1.0\n";
  // RFC 6522 multipart/report, RFC 5965 §2 report-type=feedback-report.
  out += "Content-Type: multipart/report; report-type=feedback-report;\n boundary=\"" + boundary +
         "\"\n\n";
  out += "--" + boundary + "\nContent-Type: text/plain; charset=us-ascii\n\n";
  out += "This is an authentication failure report (RFC 6591, DMARC RFC 7489 section 7.3)\n";
  out += "from " + options.org_name + ": a message from " + r.source_ip + " that claimed to be\n";
  out += "from " + r.reported_domain + " failed " + r.auth_failure + " authentication at " +
         rfc5322_date(r.time) + ".\n";
  out += "Addresses outside " + r.reported_domain + " are redacted (RFC 6590).\n\n";
  out += "--" + boundary + "\nContent-Type: message/feedback-report\n\n";
  out += r.feedback + "\n";
  out += "--" + boundary + "\nContent-Type: text/rfc822-headers\n";
  if (eight_bit(r.headers)) out += "Content-Transfer-Encoding: 8bit\n";
  out += "\n" + r.headers + "\n";
  out += "--" + boundary + "--\n";
  return out;
}

FailureOutcome send_failures(const std::string& day, const SentState& state,
                             const SendOptions& options) {
  FailureOutcome outcome;
  if (!options.failure_reports) return outcome;
  // The rate limit counts in file order, whatever was sent before: every
  // run picks the same first N of a domain's hour.
  std::map<std::string, std::size_t> seen;
  std::map<std::string, std::size_t> over;
  // The MTA runs deliver once per recipient: a message to three of our
  // users is recorded three times, alike once redacted. The first is sent.
  std::set<std::string> copies;
  for (const auto& line : read_failures(options.spool, day)) {
    const auto& r = line.record;
    if (!copies.insert(fnv1a_hex(r.auth_failure + '\0' + r.source_ip + '\0' + r.headers)).second)
      continue;
    const std::string hour =
        line.record.reported_domain + " " + interval_label(line.record.time / kHour * kHour, kHour);
    if (++seen[hour] > options.failures_per_hour) {
      ++over[hour];
      continue;
    }
    if (state.is_marked(day, "F" + std::to_string(line.offset))) continue;
    send_one(line, day, state, options, outcome);
  }
  for (const auto& [hour, count] : over)
    outcome.lines.push_back("  " + std::to_string(count) + " failure report(s) for " + hour +
                            " not sent: over failure_reports_per_hour (" +
                            std::to_string(options.failures_per_hour) + ")");
  return outcome;
}

}  // namespace mailroom::dmarc_report
