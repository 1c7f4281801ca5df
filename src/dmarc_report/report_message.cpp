// The report's mail (report_message.hpp).
#include "dmarc_report/report_message.hpp"

#include <chrono>
#include <cstdio>

#include "mailroom/dmarc_report/recorder.hpp"

namespace mailroom::dmarc_report {
namespace {

std::string base64_lines(const std::string& data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(data.size() * 4 / 3 + data.size() / 57 + 8);
  std::size_t line = 0;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const auto b0 = static_cast<unsigned char>(data[i]);
    const auto b1 = i + 1 < data.size() ? static_cast<unsigned char>(data[i + 1]) : 0U;
    const auto b2 = i + 2 < data.size() ? static_cast<unsigned char>(data[i + 2]) : 0U;
    out += kAlphabet[b0 >> 2];
    out += kAlphabet[((b0 & 3) << 4) | (b1 >> 4)];
    out += i + 1 < data.size() ? kAlphabet[((b1 & 15) << 2) | (b2 >> 6)] : '=';
    out += i + 2 < data.size() ? kAlphabet[b2 & 63] : '=';
    if (++line == 19) {  // 76 characters a line (RFC 2045 §6.8)
      out += '\n';
      line = 0;
    }
  }
  if (line != 0) out += '\n';
  return out;
}

}  // namespace

// RFC 5322 §3.3 date-time in UTC, from the civil calendar (no tzset).
std::string rfc5322_date(std::int64_t now) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds at{seconds(now)};
  const auto days = floor<std::chrono::days>(at);
  const year_month_day date(days);
  const hh_mm_ss time(at - days);
  char text[64];
  std::snprintf(text, sizeof text, "%s, %u %s %d %02d:%02d:%02d +0000",
                kDays[weekday(days).c_encoding()], static_cast<unsigned>(date.day()),
                kMonths[static_cast<unsigned>(date.month()) - 1], static_cast<int>(date.year()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

namespace {

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

std::string report_filename(const AggregateReport& report, const ReportMetadata& metadata) {
  return metadata.org_name + "!" + report.policy_domain + "!" + std::to_string(report.begin) + "!" +
         std::to_string(report.end) + ".xml.gz";
}

std::string report_message(const AggregateReport& report, const ReportMetadata& metadata,
                           const std::vector<std::string>& recipients, const std::string& gzipped,
                           std::int64_t now) {
  const std::string boundary = "=_mailroom_dmarc_" + metadata.report_id;
  const std::string msg_id = "<" + metadata.report_id + "@" + metadata.org_name + ">";
  std::string out;
  out += "From: <" + metadata.email + ">\n";
  out += "To: " + join(recipients, ", ") + "\n";
  out += "Date: " + rfc5322_date(now) + "\n";
  // §7.2.1.1: "Report Domain:" domain "Submitter:" domain "Report-ID:" msg-id.
  out += "Subject: Report Domain: " + report.policy_domain + " Submitter: " + metadata.org_name +
         " Report-ID: " + msg_id + "\n";
  out += "Message-ID: " + msg_id + "\n";
  out += "Auto-Submitted: auto-generated\n";
  out += "MIME-Version: 1.0\n";
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n";
  out += "--" + boundary + "\n";
  out += "Content-Type: text/plain; charset=us-ascii\n\n";
  out += "This is a DMARC aggregate report (RFC 7489) for " + report.policy_domain + " from " +
         metadata.org_name + ",\ncovering " + day_of(report.begin) + " to " + day_of(report.end) +
         " (UTC): " + std::to_string(report.messages) + " messages.\n\n";
  const std::string filename = report_filename(report, metadata);
  out += "--" + boundary + "\n";
  out += "Content-Type: application/gzip; name=\"" + filename + "\"\n";
  out += "Content-Transfer-Encoding: base64\n";
  out += "Content-Disposition: attachment; filename=\"" + filename + "\"\n\n";
  out += base64_lines(gzipped);
  out += "--" + boundary + "--\n";
  return out;
}

}  // namespace mailroom::dmarc_report
