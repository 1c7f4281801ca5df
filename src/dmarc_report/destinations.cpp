// rua= destinations and their verification (destinations.hpp).
#include "dmarc_report/destinations.hpp"

#include <chrono>

#include <fmt/format.h>

#include "mailroom/util/text.hpp"

namespace mailroom::dmarc_report {
namespace {

// "mailto:dmarc%40example.com?subject=x" -> "dmarc@example.com" (RFC 6068);
// nullopt for another scheme or an address we would not pass to sendmail.
std::optional<std::string> mailto_address(const std::string& uri) {
  if (uri.size() < 7 || ascii_lower(uri.substr(0, 7)) != "mailto:") return std::nullopt;
  std::string raw =
      uri.substr(7, uri.find('?') == std::string::npos ? std::string::npos : uri.find('?') - 7);
  std::string address;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size() && hex_value(raw[i + 1]) >= 0 &&
        hex_value(raw[i + 2]) >= 0) {
      address += static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
      i += 2;
    } else {
      address += raw[i];
    }
  }
  auto at = address.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) return std::nullopt;
  for (char c : address)
    if (static_cast<unsigned char>(c) <= 0x20 || c == ',' || c == '<' || c == '>' || c == 0x7f)
      return std::nullopt;
  if (address[0] == '-') return std::nullopt;  // never an option to sendmail
  return address;
}

bool same_organisation(const std::string& a, const std::string& b,
                       const auth::PublicSuffixList& psl) {
  auto org_a = psl.registrable_domain(a);
  auto org_b = psl.registrable_domain(b);
  return org_a && org_b ? *org_a == *org_b : iequals(a, b);
}

enum class Verified { yes, no, unknown };

Verified verify_external(const std::string& policy_domain, const std::string& dest_domain,
                         dns::Resolver& resolver) {
  const auto name = policy_domain + "._report._dmarc." + dest_domain;
  auto answer =
      resolver.query(name, dns::RecordType::txt, dns::Deadline::after(std::chrono::seconds(10)));
  if (!answer)
    return answer.error().kind == ErrorKind::temporary ? Verified::unknown : Verified::no;
  for (const auto& text : answer->texts)
    if (auth::is_dmarc_record(text)) return Verified::yes;
  return Verified::no;
}

}  // namespace

Destinations destinations(const std::string& policy_domain, const auth::DmarcRecord& record,
                          dns::Resolver& resolver, const auth::PublicSuffixList& psl) {
  Destinations out;
  for (const auto& uri : record.aggregate_reports) {
    auto address = mailto_address(uri.uri);
    if (!address) {
      out.notes.push_back("rua " + uri.uri + " left out: not a mailto: address we can use");
      continue;
    }
    const auto dest_domain = ascii_lower(address->substr(address->rfind('@') + 1));
    if (!same_organisation(policy_domain, dest_domain, psl)) {
      auto verified = verify_external(policy_domain, dest_domain, resolver);
      if (verified == Verified::unknown) {
        out.retry_later = true;
        out.notes.push_back(fmt::format(
            "rua {}: {}._report._dmarc.{} could not be asked now (DNS), retried next run", uri.uri,
            policy_domain, dest_domain));
        continue;
      }
      if (verified == Verified::no) {
        out.notes.push_back(
            fmt::format("rua {} left out: {} does not accept reports for {} (no v=DMARC1 at "
                        "{}._report._dmarc.{}, RFC 7489 §7.1)",
                        uri.uri, dest_domain, policy_domain, policy_domain, dest_domain));
        continue;
      }
    }
    out.verified.push_back({*address, uri.max_bytes});
  }
  return out;
}

}  // namespace mailroom::dmarc_report
