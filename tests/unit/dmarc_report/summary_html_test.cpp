// The HTML page of `mailroom dmarc summary --html`: report strings are
// hostile, so each is escaped in text and in attributes alike; the page
// carries the figures per source and period. (Rendering in a browser:
// tests/integration/dmarc_html.sh.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mailroom/dmarc_report/summary.hpp"

namespace mailroom::dmarc_report {
namespace {

StoredRow row(std::string reporter, std::string ip, std::int64_t begin, std::uint64_t count,
              bool dkim_aligned) {
  StoredRow stored;
  stored.reporter = std::move(reporter);
  stored.report_id = "r" + std::to_string(begin);
  stored.begin = begin;
  stored.end = begin + 86399;
  stored.domain = "steamr.com";
  stored.row.source_ip = std::move(ip);
  stored.row.count = count;
  stored.row.dkim_aligned = dkim_aligned;
  return stored;
}

TEST(SummaryHtml, EscapesEveryReportStringInTextAndAttributes) {
  const std::vector<StoredRow> rows{
      row("<script>alert(1)</script>", "\"><svg onload=x>", 1796342400, 7, false)};
  const auto page = summary_html(summarize(rows, {}), rows);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<svg onload"), std::string::npos);
  EXPECT_NE(page.find("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"), std::string::npos);
  EXPECT_NE(page.find("aria-label=\"pass rates of &quot;&gt;&lt;svg onload=x&gt; per"),
            std::string::npos);
}

TEST(SummaryHtml, ChartsEachSourcePerPeriod) {
  const std::vector<StoredRow> rows{row("google.com", "192.0.2.7", 1796342400, 200, false),
                                    row("google.com", "192.0.2.7", 1796428800, 300, true)};
  const auto page = summary_html(summarize(rows, {}), rows);
  EXPECT_NE(page.find("<tr><td>2026-12-04</td><td class=\"n\">200</td><td class=\"n\">0%</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<tr><td>2026-12-05</td><td class=\"n\">300</td><td class=\"n\">100%</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<polyline class=\"dmarc\""), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
}

TEST(SummaryHtml, NoReports) {
  EXPECT_NE(summary_html(summarize({}, {}), {}).find("No reports stored."), std::string::npos);
}

}  // namespace
}  // namespace mailroom::dmarc_report
