// A received aggregate report out of its XML (received.hpp), as large
// receivers write them: with or without the Appendix C namespace, optional
// fields missing, several auth_results entries.
#include <charconv>

#include "dmarc_report/xml_reader.hpp"
#include "mailroom/dmarc_report/received.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::dmarc_report {
namespace {

template <typename Number>
Number number(const std::string& text) {
  Number value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string lower(const std::string& text) { return ascii_lower(text); }

ReceivedRow row_of(const XmlNode& record) {
  ReceivedRow row;
  if (const auto* r = record.find("row")) {
    row.source_ip = r->text_of("source_ip");
    row.count = number<std::uint64_t>(r->text_of("count"));
    if (const auto* pe = r->find("policy_evaluated")) {
      row.disposition = lower(pe->text_of("disposition"));
      row.dkim_aligned = lower(pe->text_of("dkim")) == "pass";
      row.spf_aligned = lower(pe->text_of("spf")) == "pass";
    }
  }
  if (const auto* ids = record.find("identifiers")) {
    row.header_from = lower(ids->text_of("header_from"));
    row.envelope_from = lower(ids->text_of("envelope_from"));
  }
  if (const auto* auth = record.find("auth_results")) {
    for (const auto& result : auth->children) {
      if (result.name == "dkim") {
        row.dkim.push_back({lower(result.text_of("domain")), result.text_of("selector"),
                            lower(result.text_of("result"))});
      } else if (result.name == "spf" && row.spf_domain.empty()) {
        row.spf_domain = lower(result.text_of("domain"));
        row.spf_result = lower(result.text_of("result"));
      }
    }
  }
  return row;
}

}  // namespace

Result<ReceivedReport> parse_report(std::string_view xml, const ReceivedLimits& limits) {
  auto root = parse_xml(xml);
  if (!root) return tl::unexpected(root.error());
  if (root->name != "feedback") return fail(ErrorKind::parse, "not a DMARC report: no <feedback>");
  const auto* meta = root->find("report_metadata");
  const auto* policy = root->find("policy_published");
  if (meta == nullptr || policy == nullptr)
    return fail(ErrorKind::parse, "no report_metadata or policy_published");
  ReceivedReport report;
  report.org_name = meta->text_of("org_name");
  report.email = meta->text_of("email");
  report.report_id = meta->text_of("report_id");
  if (const auto* range = meta->find("date_range")) {
    report.begin = number<std::int64_t>(range->text_of("begin"));
    report.end = number<std::int64_t>(range->text_of("end"));
  }
  report.policy_domain = lower(policy->text_of("domain"));
  report.policy = lower(policy->text_of("p"));
  if (report.policy_domain.empty()) return fail(ErrorKind::parse, "no policy_published/domain");
  for (const auto& child : root->children) {
    if (child.name != "record") continue;
    if (report.rows.size() >= limits.max_records)
      return fail(ErrorKind::parse, "more records than the limit");
    report.rows.push_back(row_of(child));
  }
  if (report.rows.empty()) return fail(ErrorKind::parse, "a report without records");
  return report;
}

}  // namespace mailroom::dmarc_report
