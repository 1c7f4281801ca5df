// `mailroom dmarc summary`: the received reports of a domain per source
// address and per reporter, and in words what the domain owner should fix.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mailroom/dmarc_report/received_store.hpp"

namespace mailroom::dmarc_report {

struct SourceSummary {
  std::string domain;
  std::string source_ip;
  std::string reverse_name;  // "" when it does not resolve
  std::uint64_t messages = 0;
  std::uint64_t dkim_aligned = 0;
  std::uint64_t spf_aligned = 0;
  std::uint64_t dmarc_pass = 0;               // DKIM or SPF aligned
  std::map<std::string, std::uint64_t> dkim;  // "d=esp.example pass" -> messages
  std::map<std::string, std::uint64_t> spf;   // "esp.example pass" -> messages
  std::map<std::string, std::uint64_t> reporters;
};

struct ReporterSummary {
  std::string domain;
  std::string reporter;
  std::uint64_t reports = 0;
  std::uint64_t messages = 0;
  std::uint64_t dmarc_pass = 0;
};

struct Summary {
  std::vector<SourceSummary> sources;  // by domain, then most messages first
  std::vector<ReporterSummary> reporters;
  std::int64_t first = 0;  // the earliest begin and latest end seen
  std::int64_t last = 0;
};

// `reverse_name` maps an IP to its PTR name ("" when none); may be empty.
[[nodiscard]] Summary summarize(const std::vector<StoredRow>& rows,
                                const std::function<std::string(const std::string&)>& reverse_name);

// "192.0.2.7 (mail.example.net) sent 1,240 messages as steamr.com: DKIM not
// aligned (d=esp.example), SPF pass but not aligned (esp.example): add a
// DKIM key for steamr.com at your ESP, or align the return path".
[[nodiscard]] std::string advice(const SourceSummary& source);

[[nodiscard]] std::string summary_text(const Summary& summary);
[[nodiscard]] std::string summary_json(const Summary& summary);

// One self-contained HTML page (inline CSS and SVG, no script, font or
// image from anywhere; a Content-Security-Policy forbids them too): per
// source a chart of its DMARC, DKIM-aligned and SPF-aligned pass rates per
// report period (the UTC day a report begins), the figures behind it, the
// advice, and the per-reporter table. `rows` are those `summary` was made
// of. Every string from a report is HTML-escaped: reports are hostile input.
[[nodiscard]] std::string summary_html(const Summary& summary, const std::vector<StoredRow>& rows);

}  // namespace mailroom::dmarc_report
