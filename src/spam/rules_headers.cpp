// The authentication and header symbols (rules.hpp).
#include <algorithm>

#include "mailroom/message/date_time.hpp"
#include "mailroom/spam/rules.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::spam::rules {
namespace {

using Facts = AuthFacts;

// RFC 5322 §3.6.4 msg-id: "<" id-left "@" id-right ">", no white space.
bool well_formed_message_id(std::string_view value) {
  value = trim_space(value);
  if (value.size() < 5 || value.front() != '<' || value.back() != '>') return false;
  const auto inner = value.substr(1, value.size() - 2);
  const auto at = inner.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == inner.size()) return false;
  return std::none_of(inner.begin(), inner.end(),
                      [](char c) { return is_space(c) || c == '<' || c == '>'; });
}

// The address the display name shows ("support@bank.example"), "" if none.
std::string address_in(std::string_view name) {
  const auto at = name.find('@');
  if (at == std::string_view::npos) return {};
  auto is_addr = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == '+';
  };
  std::size_t end = at + 1;
  while (end < name.size() && is_addr(name[end])) ++end;
  std::string domain = ascii_lower(name.substr(at + 1, end - at - 1));
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  return domain.find('.') == std::string::npos ? std::string{} : domain;
}

// Capitals only: at least 8 letters, none of them lower case (ASCII).
bool all_caps(std::string_view subject) {
  std::size_t upper = 0;
  for (char c : subject) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') ++upper;
  }
  return upper >= 8;
}

void date_symbols(const message::Message& m, std::int64_t now, std::vector<std::string>& out) {
  if (m.find("Date") == nullptr) {
    out.emplace_back("MISSING_DATE");
    return;
  }
  const auto date = m.date();
  if (!date) {
    out.emplace_back("INVALID_DATE");
    return;
  }
  const std::int64_t sent = date->unix_time();
  const std::int64_t arrived = arrival_time(m).value_or(now);
  constexpr std::int64_t kHour = 3600;
  if (sent > arrived + 12 * kHour) out.emplace_back("DATE_IN_FUTURE");
  if (sent < arrived - 96 * kHour) out.emplace_back("DATE_IN_PAST");
}

void from_symbols(const message::Message& m, std::vector<std::string>& out) {
  const auto from = m.addresses("From");
  if (from.empty() || from.front().domain.empty()) {
    out.emplace_back("FROM_MISSING");
    return;
  }
  const std::string shown = address_in(from.front().display_name);
  if (!shown.empty() && !related_domains(shown, ascii_lower(from.front().domain)))
    out.emplace_back("FROM_DISPLAY_MISMATCH");
}

}  // namespace

bool related_domains(std::string_view domain, std::string_view other) noexcept {
  if (domain.empty() || other.empty()) return false;
  auto below = [](std::string_view a, std::string_view b) {
    return a.size() > b.size() && a.substr(a.size() - b.size()) == b &&
           a[a.size() - b.size() - 1] == '.';
  };
  return iequals(domain, other) || below(domain, other) || below(other, domain);
}

std::string from_domain(const message::Message& m) {
  const auto from = m.addresses("From");
  if (from.empty()) return {};
  std::string domain = ascii_lower(from.front().domain);
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  return domain;
}

bool dkim_aligned(const message::Message& m, const AuthFacts& a) {
  if (a.dmarc_dkim_aligned) return true;
  const std::string domain = from_domain(m);
  return std::any_of(a.dkim_pass.begin(), a.dkim_pass.end(),
                     [&](const std::string& d) { return related_domains(d, domain); });
}

bool from_authenticated(const message::Message& m, const AuthFacts& a) {
  if (a.dmarc == Facts::Dmarc::pass || a.dmarc_spf_aligned || dkim_aligned(m, a)) return true;
  return a.spf == Facts::Spf::pass && related_domains(a.spf_domain, from_domain(m));
}

bool trusted_arc(const AuthFacts& a, const std::vector<std::string>& trusted) {
  if (a.arc != Facts::Arc::pass || a.arc_sealers.empty()) return false;
  const std::string& newest = a.arc_sealers.back();
  return std::any_of(trusted.begin(), trusted.end(),
                     [&](const std::string& t) { return iequals(t, newest); });
}

std::optional<std::int64_t> arrival_time(const message::Message& m) {
  const auto* received = m.find("Received");
  if (received == nullptr) return std::nullopt;
  const std::string value = message::unfold(received->value);
  // RFC 5322 §3.6.7: the date-time follows the last ";".
  const auto semicolon = value.rfind(';');
  if (semicolon == std::string::npos) return std::nullopt;
  const auto date = message::parse_date_time(std::string_view(value).substr(semicolon + 1));
  if (!date) return std::nullopt;
  return date->unix_time();
}

std::vector<std::string> auth_symbols(const message::Message& m, const AuthFacts& a) {
  std::vector<std::string> out;
  if (!a.checked) return out;
  if (a.spf == Facts::Spf::fail) out.emplace_back("SPF_FAIL");
  if (a.spf == Facts::Spf::softfail) out.emplace_back("SPF_SOFTFAIL");
  if (a.dkim_failed && a.dkim_pass.empty()) out.emplace_back("DKIM_FAIL");
  if (a.dmarc == Facts::Dmarc::fail) {
    if (a.published == Facts::Policy::reject) out.emplace_back("DMARC_REJECT");
    if (a.published == Facts::Policy::quarantine) out.emplace_back("DMARC_QUARANTINE");
    if (a.published == Facts::Policy::none) out.emplace_back("DMARC_FAIL_NONE");
  }
  if (a.arc == Facts::Arc::fail) out.emplace_back("ARC_FAIL");
  if (!from_domain(m).empty() && !from_authenticated(m, a))
    out.emplace_back("FROM_UNAUTHENTICATED");
  return out;
}

std::vector<std::string> header_symbols(const message::Message& m, std::int64_t now) {
  std::vector<std::string> out;
  if (const auto* id = m.find("Message-ID"); id == nullptr) {
    out.emplace_back("MISSING_MID");
  } else if (!well_formed_message_id(message::unfold(id->value))) {
    out.emplace_back("INVALID_MID");
  }
  date_symbols(m, now, out);
  from_symbols(m, out);
  if (m.addresses("To").size() + m.addresses("Cc").size() > 25) out.emplace_back("MANY_RECIPIENTS");
  const std::string subject = m.subject();
  if (trim_space(subject).empty()) {
    out.emplace_back("SUBJ_MISSING");
  } else if (all_caps(subject)) {
    out.emplace_back("SUBJ_ALL_CAPS");
  }
  return out;
}

}  // namespace mailroom::spam::rules
