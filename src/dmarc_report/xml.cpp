// The XML of an aggregate report (RFC 7489 Appendix C), written directly:
// the schema is small and fixed, and every text is escaped.
#include <string>

#include "dmarc_report/escape.hpp"
#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/dmarc_report/report.hpp"

namespace mailroom::dmarc_report {
namespace {

void element(std::string& out, std::string_view name, std::string_view text) {
  out += '<';
  out += name;
  out += '>';
  append_escaped(out, text);
  out += "</";
  out += name;
  out += ">";
}

void policy_published(std::string& out, const AggregateReport& report) {
  auto parsed = auth::parse_dmarc_record(report.policy_record);
  auth::DmarcRecord policy = parsed ? *parsed : auth::DmarcRecord{};
  out += "<policy_published>";
  element(out, "domain", report.policy_domain);
  element(out, "adkim", policy.dkim_alignment == auth::DmarcAlignment::strict ? "s" : "r");
  element(out, "aspf", policy.spf_alignment == auth::DmarcAlignment::strict ? "s" : "r");
  element(out, "p", auth::to_string(policy.policy));
  element(out, "sp", auth::to_string(policy.policy_for(true)));
  element(out, "pct", std::to_string(policy.percent));
  element(out, "fo", policy.failure_options);
  out += "</policy_published>";
}

void row(std::string& out, const ReportRow& row) {
  const auto& t = row.tuple;
  out += "<record><row>";
  element(out, "source_ip", schema_ip(t.source_ip));
  element(out, "count", std::to_string(row.count));
  out += "<policy_evaluated>";
  element(out, "disposition", t.disposition);
  element(out, "dkim", t.dkim_aligned ? "pass" : "fail");
  element(out, "spf", t.spf_aligned ? "pass" : "fail");
  if (!t.reason.empty()) {
    out += "<reason>";
    element(out, "type", t.reason);
    if (!t.reason_comment.empty()) element(out, "comment", t.reason_comment);
    out += "</reason>";
  }
  out += "</policy_evaluated></row><identifiers>";
  element(out, "envelope_from", t.envelope_from);
  element(out, "header_from", t.header_from);
  out += "</identifiers><auth_results>";
  for (const auto& dkim : t.dkim) {
    out += "<dkim>";
    element(out, "domain", dkim.domain);
    if (!dkim.selector.empty()) element(out, "selector", dkim.selector);
    element(out, "result", dkim.result);
    out += "</dkim>";
  }
  out += "<spf>";
  element(out, "domain", t.spf_domain);
  element(out, "scope", t.spf_scope);
  element(out, "result", t.spf_result);
  out += "</spf></auth_results></record>\n";
}

}  // namespace

std::string to_xml(const AggregateReport& report, const ReportMetadata& metadata) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<feedback xmlns=\"http://dmarc.org/dmarc-xml/0.1\">\n<version>1.0</version>\n";
  out += "<report_metadata>";
  element(out, "org_name", metadata.org_name);
  element(out, "email", metadata.email);
  element(out, "report_id", metadata.report_id);
  out += "<date_range>";
  element(out, "begin", std::to_string(report.begin));
  element(out, "end", std::to_string(report.end));
  out += "</date_range></report_metadata>\n";
  policy_published(out, report);
  out += '\n';
  for (const auto& r : report.rows) row(out, r);
  out += "</feedback>\n";
  return out;
}

}  // namespace mailroom::dmarc_report
