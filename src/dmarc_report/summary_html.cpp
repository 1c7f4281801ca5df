// The summary as one HTML page (summary.hpp). Nothing on the page comes
// from outside it: a reader opens it from disk or a mail attachment,
// offline, and report content (reporter names, addresses, domains) is
// attacker-chosen, so every such string goes through escaped() and the
// page's Content-Security-Policy would stop a script that slipped by.
#include <array>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "dmarc_report/escape.hpp"
#include "dmarc_report/figures.hpp"
#include "mailroom/dmarc_report/recorder.hpp"
#include "mailroom/dmarc_report/summary.hpp"

namespace mailroom::dmarc_report {
namespace {

// HTML text and attribute values alike (HTML 5.2 §8.3 "escaping a string").
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

// The figures of one source in one report period.
struct Period {
  std::uint64_t messages = 0;
  std::uint64_t dmarc_pass = 0;
  std::uint64_t dkim_aligned = 0;
  std::uint64_t spf_aligned = 0;
};

using SourceKey = std::pair<std::string, std::string>;  // domain, source IP
using Periods = std::map<std::string, Period>;          // by UTC day of begin

std::map<SourceKey, Periods> periods_of(const std::vector<StoredRow>& rows) {
  std::map<SourceKey, Periods> out;
  for (const auto& stored : rows) {
    const auto& row = stored.row;
    auto& p = out[{stored.domain, row.source_ip}][day_of(stored.begin)];
    p.messages += row.count;
    p.dmarc_pass += row.dkim_aligned || row.spf_aligned ? row.count : 0;
    p.dkim_aligned += row.dkim_aligned ? row.count : 0;
    p.spf_aligned += row.spf_aligned ? row.count : 0;
  }
  return out;
}

constexpr int kWidth = 640;
constexpr int kHeight = 220;
constexpr int kLeft = 56;  // room for the axis labels
constexpr int kRight = 40;
constexpr int kTop = 12;
constexpr int kBottom = 40;

struct Series {
  const char* name;
  const char* css_class;
  std::uint64_t Period::*count;
};
constexpr std::array<Series, 3> kSeries{{{"DMARC pass", "dmarc", &Period::dmarc_pass},
                                         {"DKIM aligned", "dkim", &Period::dkim_aligned},
                                         {"SPF aligned", "spf", &Period::spf_aligned}}};

double x_of(std::size_t index, std::size_t count) {
  const double span = kWidth - kLeft - kRight;
  return count < 2 ? kLeft + span / 2
                   : kLeft + span * static_cast<double>(index) / static_cast<double>(count - 1);
}

double y_of(std::uint64_t part, std::uint64_t whole) {
  const double rate = whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
  return kTop + (kHeight - kTop - kBottom) * (1 - rate);
}

std::string axes(const Periods& periods) {
  std::string out;
  for (int rate = 0; rate <= 100; rate += 25) {
    const double y = y_of(static_cast<std::uint64_t>(rate), 100);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/>"
        "<text class=\"axis\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}%</text>\n",
        kLeft, y, kWidth - kRight, y, kLeft - 6, y + 4, rate);
  }
  std::size_t i = 0;
  for (const auto& [day, p] : periods) {
    out +=
        fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                    x_of(i++, periods.size()), kHeight - kBottom + 18, escaped(day));
  }
  return out;
}

std::string series_svg(const Periods& periods, const Series& series) {
  std::string points;
  std::string dots;
  std::size_t i = 0;
  for (const auto& [day, p] : periods) {
    const double x = x_of(i++, periods.size());
    const double y = y_of(p.*series.count, p.messages);
    points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x, y);
    dots += fmt::format(
        "<circle class=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\"><title>{} {}: {} of {}"
        "</title></circle>\n",
        series.css_class, x, y, series.name, escaped(day), percent(p.*series.count, p.messages),
        grouped(p.messages));
  }
  return fmt::format("<polyline class=\"{}\" points=\"{}\"/>\n", series.css_class, points) + dots;
}

std::string chart(const SourceSummary& s, const Periods& periods) {
  std::string out = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"pass rates of {} per report period\">\n",
      kWidth, kHeight, kWidth, kHeight, escaped(s.source_ip));
  out += axes(periods);
  for (const auto& series : kSeries) out += series_svg(periods, series);
  return out + "</svg>\n";
}

std::string period_table(const Periods& periods) {
  std::string out =
      "<table class=\"periods\"><tr><th>period (UTC)</th><th>messages</th><th>DMARC pass</th>"
      "<th>DKIM aligned</th><th>SPF aligned</th></tr>\n";
  for (const auto& [day, p] : periods) {
    out += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td></tr>\n",
        escaped(day), grouped(p.messages), percent(p.dmarc_pass, p.messages),
        percent(p.dkim_aligned, p.messages), percent(p.spf_aligned, p.messages));
  }
  return out + "</table>\n";
}

std::string source_table(const Summary& summary) {
  std::string out =
      "<table class=\"sources\"><tr><th>domain</th><th>source</th><th>reverse DNS</th>"
      "<th>messages</th><th>DMARC pass</th><th>DKIM aligned</th><th>SPF aligned</th></tr>\n";
  for (const auto& s : summary.sources) {
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
        escaped(s.domain), escaped(s.source_ip), escaped(s.reverse_name), grouped(s.messages),
        percent(s.dmarc_pass, s.messages), percent(s.dkim_aligned, s.messages),
        percent(s.spf_aligned, s.messages));
  }
  return out + "</table>\n";
}

std::string reporter_table(const Summary& summary) {
  std::string out =
      "<table class=\"reporters\"><tr><th>domain</th><th>reporter</th><th>reports</th>"
      "<th>messages</th><th>DMARC pass</th></tr>\n";
  for (const auto& r : summary.reporters) {
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td></tr>\n",
        escaped(r.domain), escaped(r.reporter), r.reports, grouped(r.messages),
        percent(r.dmarc_pass, r.messages));
  }
  return out + "</table>\n";
}

constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>DMARC aggregate reports</title>
<style>
body{font-family:sans-serif;margin:2em;color:#222;background:#fff}
table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}
td.n{text-align:right}
.chart{display:block;border:1px solid #ddd;background:#fafafa}
.grid{stroke:#ddd;stroke-width:1}
.axis{font-size:11px;fill:#555}
polyline{fill:none;stroke-width:2}
polyline.dmarc{stroke:#1b7a3a;stroke-width:6}circle.dmarc{fill:#1b7a3a}
polyline.dkim{stroke:#1f5fbf;stroke-dasharray:6 3}circle.dkim{fill:#1f5fbf}
polyline.spf{stroke:#c25400;stroke-dasharray:2 3}circle.spf{fill:#c25400}
.key span{display:inline-block;margin-right:1.2em}
.key i{display:inline-block;width:1.4em;height:.3em;vertical-align:middle;margin-right:.3em}
.advice{max-width:60em}
</style></head><body>
)";

constexpr std::string_view kKey =
    "<p class=\"key\"><span><i style=\"background:#1b7a3a\"></i>DMARC pass</span>"
    "<span><i style=\"background:#1f5fbf\"></i>DKIM aligned</span>"
    "<span><i style=\"background:#c25400\"></i>SPF aligned</span></p>\n";

}  // namespace

std::string summary_html(const Summary& summary, const std::vector<StoredRow>& rows) {
  std::string out(kHead);
  out += "<h1>DMARC aggregate reports received</h1>\n";
  if (summary.sources.empty()) return out + "<p>No reports stored.</p>\n</body></html>\n";
  out += fmt::format("<p>{} to {} (UTC)</p>\n", escaped(day_of(summary.first)),
                     escaped(day_of(summary.last)));
  out += "<h2>Per source</h2>\n" + source_table(summary);
  const auto periods = periods_of(rows);
  out += "<h2>Pass rates per report period</h2>\n" + std::string(kKey);
  for (const auto& s : summary.sources) {
    auto found = periods.find({s.domain, s.source_ip});
    if (found == periods.end()) continue;
    out += fmt::format("<section class=\"source\"><h3>{} {}{}</h3>\n", escaped(s.domain),
                       escaped(s.source_ip),
                       s.reverse_name.empty() ? "" : " (" + escaped(s.reverse_name) + ")");
    out += chart(s, found->second) + period_table(found->second);
    out += "<p class=\"advice\">" + escaped(advice(s)) + "</p>\n</section>\n";
  }
  out += "<h2>Per reporter</h2>\n" + reporter_table(summary);
  return out + "</body></html>\n";
}

}  // namespace mailroom::dmarc_report
