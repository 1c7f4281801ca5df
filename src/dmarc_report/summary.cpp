// The summary of received reports (summary.hpp).
#include "mailroom/dmarc_report/summary.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "dmarc_report/figures.hpp"
#include "mailroom/dmarc_report/recorder.hpp"

namespace mailroom::dmarc_report {
namespace {

bool aligned_with(const std::string& domain, const std::string& other) {
  return other == domain || (other.size() > domain.size() && other.ends_with("." + domain)) ||
         (domain.size() > other.size() && domain.ends_with("." + other));
}

// The DKIM and SPF results of a source that did not align, in words.
struct Findings {
  std::vector<std::string> problems;
  std::vector<std::string> fixes;
};

void dkim_findings(const SourceSummary& s, Findings& f) {
  if (s.dkim_aligned == s.messages) return;
  std::vector<std::string> passing_elsewhere;
  std::vector<std::string> failing;
  for (const auto& [key, count] : s.dkim) {
    auto space = key.rfind(' ');
    auto d = key.substr(2, space - 2);
    auto result = key.substr(space + 1);
    if (result == "pass" && !aligned_with(s.domain, d))
      passing_elsewhere.push_back(fmt::format("d={}", d));
    if (result != "pass") failing.push_back(fmt::format("d={} {}", d, result));
  }
  auto list = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  };
  if (!passing_elsewhere.empty()) {
    f.problems.push_back("DKIM not aligned (" + list(passing_elsewhere) + ")");
    f.fixes.push_back("add a DKIM key for " + s.domain + " at your ESP");
  } else if (!failing.empty()) {
    f.problems.push_back("DKIM fails (" + list(failing) + ")");
    f.fixes.push_back("check the DKIM key and signing of " + s.domain + " on that host");
  } else {
    f.problems.push_back("no DKIM signature");
    f.fixes.push_back("sign its mail with DKIM for " + s.domain);
  }
}

void spf_findings(const SourceSummary& s, Findings& f) {
  if (s.spf_aligned == s.messages) return;
  std::string domain;
  std::string result;
  std::uint64_t most = 0;
  for (const auto& [key, count] : s.spf) {
    if (count <= most) continue;
    most = count;
    auto space = key.rfind(' ');
    domain = key.substr(0, space);
    result = key.substr(space + 1);
  }
  if (result == "pass" && !aligned_with(s.domain, domain)) {
    f.problems.push_back("SPF pass but not aligned (" + domain + ")");
    f.fixes.push_back("align the return path (a MAIL FROM in " + s.domain + ")");
  } else if (result == "fail" || result == "softfail") {
    f.problems.push_back("SPF " + result + " for " + (domain.empty() ? s.domain : domain));
    f.fixes.push_back("add " + s.source_ip + " to the SPF record of " +
                      (domain.empty() ? s.domain : domain));
  } else {
    f.problems.push_back("SPF " + (result.empty() ? std::string("none") : result) +
                         (domain.empty() ? "" : " for " + domain));
  }
}

}  // namespace

Summary summarize(const std::vector<StoredRow>& rows,
                  const std::function<std::string(const std::string&)>& reverse_name) {
  Summary summary;
  std::map<std::pair<std::string, std::string>, SourceSummary> sources;
  std::map<std::pair<std::string, std::string>, ReporterSummary> reporters;
  std::map<std::pair<std::string, std::string>, std::map<std::string, bool>> reports_of;
  for (const auto& stored : rows) {
    const auto& row = stored.row;
    auto& s = sources[{stored.domain, row.source_ip}];
    s.domain = stored.domain;
    s.source_ip = row.source_ip;
    s.messages += row.count;
    const bool pass = row.dkim_aligned || row.spf_aligned;
    s.dkim_aligned += row.dkim_aligned ? row.count : 0;
    s.spf_aligned += row.spf_aligned ? row.count : 0;
    s.dmarc_pass += pass ? row.count : 0;
    for (const auto& d : row.dkim) s.dkim["d=" + d.domain + " " + d.result] += row.count;
    if (!row.spf_domain.empty() || !row.spf_result.empty())
      s.spf[row.spf_domain + " " + row.spf_result] += row.count;
    s.reporters[stored.reporter] += row.count;
    auto& r = reporters[{stored.domain, stored.reporter}];
    r.domain = stored.domain;
    r.reporter = stored.reporter;
    r.messages += row.count;
    r.dmarc_pass += pass ? row.count : 0;
    reports_of[{stored.domain, stored.reporter}][stored.report_id] = true;
    summary.first = summary.first == 0 ? stored.begin : std::min(summary.first, stored.begin);
    summary.last = std::max(summary.last, stored.end);
  }
  for (auto& [key, s] : sources) {
    if (reverse_name) s.reverse_name = reverse_name(s.source_ip);
    summary.sources.push_back(std::move(s));
  }
  std::stable_sort(summary.sources.begin(), summary.sources.end(),
                   [](const auto& a, const auto& b) {
                     return a.domain != b.domain ? a.domain < b.domain : a.messages > b.messages;
                   });
  for (auto& [key, r] : reporters) {
    r.reports = reports_of[key].size();
    summary.reporters.push_back(std::move(r));
  }
  return summary;
}

std::string advice(const SourceSummary& s) {
  std::string who = s.source_ip + (s.reverse_name.empty() ? "" : " (" + s.reverse_name + ")") +
                    " sent " + grouped(s.messages) + (s.messages == 1 ? " message" : " messages") +
                    " as " + s.domain;
  if (s.dmarc_pass == s.messages) {
    return who + ": DMARC pass (" +
           std::string(s.dkim_aligned == s.messages ? "DKIM aligned" : "SPF aligned") +
           "): nothing to fix";
  }
  Findings f;
  dkim_findings(s, f);
  spf_findings(s, f);
  std::string out = who + ": ";
  for (std::size_t i = 0; i < f.problems.size(); ++i) out += (i ? ", " : "") + f.problems[i];
  if (!f.fixes.empty()) {
    out += ": ";
    for (std::size_t i = 0; i < f.fixes.size(); ++i) out += (i ? ", or " : "") + f.fixes[i];
  }
  if (s.dmarc_pass == 0 && s.reverse_name.empty())
    out += " (if this host is not yours, someone else sends in your name: p=reject stops it)";
  return out;
}

std::string summary_text(const Summary& summary) {
  if (summary.sources.empty()) return "no reports stored\n";
  std::string out = "DMARC aggregate reports received, " + day_of(summary.first) + " to " +
                    day_of(summary.last) + " (UTC)\n";
  std::string domain;
  for (const auto& s : summary.sources) {
    if (s.domain != domain) {
      domain = s.domain;
      out += "\n" + domain + "\n  per source:\n";
    }
    out += "    " + s.source_ip + (s.reverse_name.empty() ? "" : " (" + s.reverse_name + ")") +
           ": " + grouped(s.messages) + " messages, DMARC pass " +
           percent(s.dmarc_pass, s.messages) + ", DKIM aligned " +
           percent(s.dkim_aligned, s.messages) + ", SPF aligned " +
           percent(s.spf_aligned, s.messages) + "\n";
    out += "      " + advice(s) + "\n";
  }
  out += "\nper reporter:\n";
  for (const auto& r : summary.reporters)
    out += "  " + r.domain + " by " + r.reporter + ": " + std::to_string(r.reports) +
           (r.reports == 1 ? " report, " : " reports, ") + grouped(r.messages) +
           " messages, DMARC pass " + percent(r.dmarc_pass, r.messages) + "\n";
  return out;
}

namespace {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace

std::string summary_json(const Summary& summary) {
  std::string out = "{\"first\":" + std::to_string(summary.first) +
                    ",\"last\":" + std::to_string(summary.last) + ",\"sources\":[";
  for (std::size_t i = 0; i < summary.sources.size(); ++i) {
    const auto& s = summary.sources[i];
    out += std::string(i ? "," : "") + "{\"domain\":" + json_string(s.domain) +
           ",\"source_ip\":" + json_string(s.source_ip) +
           ",\"reverse_name\":" + json_string(s.reverse_name) +
           ",\"messages\":" + std::to_string(s.messages) +
           ",\"dmarc_pass\":" + std::to_string(s.dmarc_pass) +
           ",\"dkim_aligned\":" + std::to_string(s.dkim_aligned) +
           ",\"spf_aligned\":" + std::to_string(s.spf_aligned) +
           ",\"advice\":" + json_string(advice(s)) + "}";
  }
  out += "],\"reporters\":[";
  for (std::size_t i = 0; i < summary.reporters.size(); ++i) {
    const auto& r = summary.reporters[i];
    out += std::string(i ? "," : "") + "{\"domain\":" + json_string(r.domain) +
           ",\"reporter\":" + json_string(r.reporter) +
           ",\"reports\":" + std::to_string(r.reports) +
           ",\"messages\":" + std::to_string(r.messages) +
           ",\"dmarc_pass\":" + std::to_string(r.dmarc_pass) + "}";
  }
  return out + "]}\n";
}

}  // namespace mailroom::dmarc_report
