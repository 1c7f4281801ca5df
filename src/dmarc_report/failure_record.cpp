// Building failure reports at delivery (failure.hpp): which ones fo= asks
// for, the message/feedback-report fields (RFC 5965 §3.1, RFC 6591 §3.1,
// RFC 7489 §7.3.1), and the redacted header section.
#include <string>
#include <vector>

#include "dmarc_report/report_message.hpp"
#include "mailroom/dmarc_report/failure.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::dmarc_report {
namespace {

// A header section in a report is cut past this (at a field boundary):
// a failure report says which message, it does not carry it.
constexpr std::size_t kMaxHeaderBytes = 16384;

bool has_option(std::string_view fo, char option) {
  for (std::size_t i = 0; i < fo.size(); ++i) {
    // fo= is a colon-separated list of single characters (§6.3).
    const bool starts = i == 0 || fo[i - 1] == ':';
    const bool ends = i + 1 == fo.size() || fo[i + 1] == ':';
    if (starts && ends && fo[i] == option) return true;
  }
  return false;
}

const auth::DkimResult* failed_signature(const auth::AuthResults& results) {
  for (const auto& dkim : results.dkim)
    if (dkim.status == auth::DkimStatus::fail || dkim.status == auth::DkimStatus::permerror)
      return &dkim;
  return nullptr;
}

std::vector<std::string> wanted_types(const auth::AuthResults& results) {
  const auto& dmarc = results.dmarc;
  const std::string_view fo = dmarc.record->failure_options;
  std::vector<std::string> types;
  const bool dmarc_failed = dmarc.code == auth::DmarcCode::fail;
  const bool not_all_aligned = !dmarc.spf_aligned || !dmarc.dkim_aligned;
  if ((has_option(fo, '0') && dmarc_failed) || (has_option(fo, '1') && not_all_aligned))
    types.emplace_back("dmarc");
  if (has_option(fo, 'd') && failed_signature(results)) types.emplace_back("dkim");
  if (has_option(fo, 's') && results.spf && results.spf->code == auth::SpfCode::fail)
    types.emplace_back("spf");
  return types;
}

void field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += '\n';
}

// Line ends as "\n", folds kept: the report goes to sendmail -oi.
std::string lf_only(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != '\r') out += c;
  return out;
}

std::string identity_alignment(const auth::DmarcResult& dmarc) {
  if (dmarc.dkim_aligned && dmarc.spf_aligned) return "dkim, spf";
  if (dmarc.dkim_aligned) return "dkim";
  return dmarc.spf_aligned ? "spf" : "none";
}

std::string feedback_fields(const FailureFacts& facts, const std::string& type) {
  const auto& dmarc = facts.auth.dmarc;
  const std::string& keep = dmarc.org_domain.empty() ? dmarc.from_domain : dmarc.org_domain;
  std::string out;
  field(out, "Feedback-Type", "auth-failure");
  field(out, "User-Agent", std::string("mailroom/") + MAILROOM_VERSION);
  field(out, "Version", "1");
  field(out, "Original-Mail-From", "<" + redact_addresses(facts.mail_from, keep) + ">");
  field(out, "Original-Rcpt-To", "<" + redact_addresses(facts.rcpt_to, keep) + ">");
  field(out, "Arrival-Date", rfc5322_date(facts.now));
  field(out, "Source-IP", facts.client_ip);
  field(out, "Reported-Domain", dmarc.from_domain);
  if (!facts.auth.header_value.empty())
    field(out, "Authentication-Results", lf_only(redact_addresses(facts.auth.header_value, keep)));
  field(out, "Auth-Failure", type);
  field(out, "Identity-Alignment", identity_alignment(dmarc));  // RFC 7489 §7.3.1
  field(out, "Delivery-Result", facts.delivery);
  // RFC 6591 §3.1: the signature's d=, s= and i= where a DKIM one is known.
  const auth::DkimResult* dkim = failed_signature(facts.auth);
  if (dkim == nullptr && !facts.auth.dkim.empty()) dkim = &facts.auth.dkim.front();
  if (dkim != nullptr) {
    field(out, "DKIM-Domain", dkim->domain);
    if (!dkim->identity.empty())
      field(out, "DKIM-Identity", redact_addresses(dkim->identity, keep));
    field(out, "DKIM-Selector", dkim->selector);
  }
  return out;
}

// Message identifiers are not mailboxes: left as they are, so that the
// domain owner can find the message.
bool is_message_id_field(std::string_view name) {
  for (std::string_view id : {"Message-ID", "In-Reply-To", "References", "Content-ID"})
    if (iequals(name, id)) return true;
  return false;
}

std::string redacted_headers(const message::Message& message, std::string_view keep) {
  std::string out;
  for (const auto& header : message.headers()) {
    std::string raw =
        lf_only(is_message_id_field(header.name) ? header.raw : redact_addresses(header.raw, keep));
    if (out.size() + raw.size() > kMaxHeaderBytes) break;
    out += raw;
  }
  return out;
}

}  // namespace

std::vector<FailureRecord> failure_records(const FailureFacts& facts) {
  const auto& dmarc = facts.auth.dmarc;
  if (!dmarc.record || dmarc.record->failure_reports.empty() || facts.client_ip.empty()) return {};
  std::vector<FailureRecord> records;
  const auto types = wanted_types(facts.auth);
  if (types.empty()) return records;
  const std::string& keep = dmarc.org_domain.empty() ? dmarc.from_domain : dmarc.org_domain;
  const std::string headers = redacted_headers(facts.message, keep);
  for (const auto& type : types) {
    FailureRecord record;
    record.time = facts.now;
    record.policy_domain = dmarc.record_domain;
    record.policy_record = dmarc.record_text;
    record.reported_domain = dmarc.from_domain;
    record.auth_failure = type;
    record.source_ip = std::string(facts.client_ip);
    record.feedback = feedback_fields(facts, type);
    record.headers = headers;
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace mailroom::dmarc_report
