// libFuzzer: the XML of a received DMARC aggregate report is untrusted
// input (anyone can mail the reports mailbox). Parse it; a report that
// parses must be one the summary can word.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mailroom/dmarc_report/received.hpp"
#include "mailroom/dmarc_report/summary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto report = mailroom::dmarc_report::parse_report(text);
  if (!report) return 0;
  if (report->rows.empty() || report->policy_domain.empty()) __builtin_trap();
  std::vector<mailroom::dmarc_report::StoredRow> rows;
  for (const auto& row : report->rows)
    rows.push_back({report->org_name, report->report_id, report->begin, report->end,
                    report->policy_domain, row});
  auto summary = mailroom::dmarc_report::summarize(rows, {});
  (void)mailroom::dmarc_report::summary_text(summary);
  (void)mailroom::dmarc_report::summary_json(summary);
  return 0;
}
