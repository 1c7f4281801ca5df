// Delivery records (record.hpp): building one from the authentication
// results, and the line format of the day files.
#include "mailroom/dmarc_report/record.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "mailroom/util/text.hpp"

namespace mailroom::dmarc_report {
namespace {

constexpr std::string_view kVersion = "1";
constexpr std::size_t kFields = 16;

// Bytes that would end a field, a list item or the line, and anything not
// printable ASCII, as %XX: the line stays one line of plain text whatever
// a signature's d= or s= holds.
bool needs_escape(unsigned char c) {
  return c <= 0x20 || c >= 0x7f || c == '%' || c == ',' || c == ':';
}

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (!needs_escape(c)) {
      out += ch;
      continue;
    }
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
}

Result<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (i + 2 >= text.size() || high < 0 || low < 0)
      return fail(ErrorKind::parse, "bad %-escape in a DMARC report record");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string domain_of(std::string_view address) {
  auto at = address.rfind('@');
  return ascii_lower(at == std::string_view::npos ? address : address.substr(at + 1));
}

// RFC 7489 §7.2.1 disposition: what was done. mailroom delivers after the
// SMTP transaction, so it cannot reject: a failing message under p=reject
// is delivered and weighed by the spam stage (DMARC_REJECT), which is a
// quarantine, reported as such with the reason (local_policy).
void set_disposition(DeliveryRecord& record, const auth::DmarcResult& dmarc) {
  record.disposition = std::string(auth::to_string(dmarc.policy));
  if (dmarc.sampled_out) {
    record.reason = "sampled_out";
    record.reason_comment = "pct=" + std::to_string(dmarc.record ? dmarc.record->percent : 100);
  }
  if (dmarc.policy == auth::DmarcPolicy::reject) {
    record.disposition = "quarantine";
    record.reason = "local_policy";
    record.reason_comment =
        "delivered after SMTP and scored as spam: a delivery agent cannot reject";
  }
}

void set_spf(DeliveryRecord& record, const auth::AuthResults& results, std::string_view mail_from) {
  const bool helo = results.spf_identity == auth::SpfIdentity::helo;
  record.spf_scope = helo ? "helo" : "mfrom";
  record.spf_domain = results.spf_identity_value.empty() ? domain_of(mail_from)
                                                         : domain_of(results.spf_identity_value);
  if (record.spf_domain.empty()) record.spf_domain = record.envelope_from;
  record.spf_result = results.spf ? std::string(auth::to_string(results.spf->code)) : "none";
}

}  // namespace

std::string encode(const DeliveryRecord& r) {
  std::string out(kVersion);
  auto field = [&out](std::string_view text) {
    out += '\t';
    append_escaped(out, text);
  };
  field(std::to_string(r.time));
  for (const auto* text : {&r.source_ip, &r.header_from, &r.envelope_from, &r.policy_domain,
                           &r.policy_record, &r.disposition, &r.reason, &r.reason_comment})
    field(*text);
  field(r.dkim_aligned ? "1" : "0");
  field(r.spf_aligned ? "1" : "0");
  field(r.spf_domain);
  field(r.spf_scope);
  field(r.spf_result);
  out += '\t';
  bool first = true;
  for (const auto& dkim : r.dkim) {
    std::string item;
    append_escaped(item, dkim.domain);
    item += ':';
    append_escaped(item, dkim.selector);
    item += ':';
    append_escaped(item, dkim.result);
    // Keep the line under kMaxRecordBytes: the signatures past it are dropped.
    if (out.size() + item.size() + 2 > kMaxRecordBytes) break;
    if (!first) out += ',';
    out += item;
    first = false;
  }
  out += '\n';
  return out;
}

Result<DeliveryRecord> decode(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  auto fields = split(line, '\t');
  if (fields.size() != kFields || fields[0] != kVersion)
    return fail(ErrorKind::parse, "not a DMARC report record (version 1, 16 fields)");
  std::vector<std::string> text;
  for (std::size_t i = 1; i + 1 < fields.size(); ++i) {
    auto value = unescape(fields[i]);
    if (!value) return tl::unexpected(value.error());
    text.push_back(std::move(*value));
  }
  DeliveryRecord r;
  auto [end, ec] = std::from_chars(text[0].data(), text[0].data() + text[0].size(), r.time);
  if (ec != std::errc{} || end != text[0].data() + text[0].size())
    return fail(ErrorKind::parse, "bad time in a DMARC report record");
  r.source_ip = text[1];
  r.header_from = text[2];
  r.envelope_from = text[3];
  r.policy_domain = text[4];
  r.policy_record = text[5];
  r.disposition = text[6];
  r.reason = text[7];
  r.reason_comment = text[8];
  r.dkim_aligned = text[9] == "1";
  r.spf_aligned = text[10] == "1";
  r.spf_domain = text[11];
  r.spf_scope = text[12];
  r.spf_result = text[13];
  if (!fields.back().empty()) {
    for (auto item : split(fields.back(), ',')) {
      auto parts = split(item, ':');
      if (parts.size() != 3)
        return fail(ErrorKind::parse, "bad DKIM item in a DMARC report record");
      auto domain = unescape(parts[0]);
      auto selector = unescape(parts[1]);
      auto result = unescape(parts[2]);
      if (!domain || !selector || !result)
        return fail(ErrorKind::parse, "bad %-escape in a DKIM item");
      r.dkim.push_back({std::move(*domain), std::move(*selector), std::move(*result)});
    }
  }
  return r;
}

std::optional<DeliveryRecord> record_from(const auth::AuthResults& results,
                                          std::string_view client_ip, std::string_view mail_from,
                                          std::int64_t now) {
  const auto& dmarc = results.dmarc;
  if (!dmarc.record || dmarc.record->aggregate_reports.empty() || client_ip.empty())
    return std::nullopt;
  DeliveryRecord record;
  record.time = now;
  record.source_ip = std::string(client_ip);
  record.header_from = dmarc.from_domain;
  record.envelope_from = mail_from.empty() ? "" : domain_of(mail_from);
  record.policy_domain = dmarc.record_domain;
  record.policy_record = dmarc.record_text;
  set_disposition(record, dmarc);
  record.dkim_aligned = dmarc.dkim_aligned;
  record.spf_aligned = dmarc.spf_aligned;
  set_spf(record, results, mail_from);
  for (const auto& dkim : results.dkim)
    record.dkim.push_back({dkim.domain, dkim.selector, std::string(auth::to_string(dkim.status))});
  return record;
}

}  // namespace mailroom::dmarc_report
