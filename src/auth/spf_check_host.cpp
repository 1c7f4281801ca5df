// check_host() (RFC 7208 §4): find the record, parse it whole, evaluate
// its mechanisms left to right, then redirect= or the default, and on
// "fail" the exp= explanation.
#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include "mailroom/auth/spf.hpp"
#include "mailroom/auth/spf_macro.hpp"
#include "mailroom/auth/spf_record.hpp"

namespace mailroom::auth {
namespace {

using dns::Answer;
using dns::IpAddress;
using dns::RecordType;

// What one record (one domain) decided.
struct Verdict {
  SpfCode code = SpfCode::none;
  std::string domain;
  std::string record;
  std::string mechanism;
  std::string explanation;
  std::string why;
};

Verdict verdict(SpfCode code, std::string why) {
  Verdict v;
  v.code = code;
  v.why = std::move(why);
  return v;
}

// A mechanism either matches, does not, or ends evaluation with an error.
struct Match {
  bool matched = false;
  std::optional<Verdict> error;  // temperror or permerror
  std::string detail;            // for include: what the included record said
};

Match no_match() { return {}; }
Match matched(std::string detail = {}) { return {true, std::nullopt, std::move(detail)}; }
Match error(SpfCode code, std::string why) { return {false, verdict(code, std::move(why)), {}}; }

// §4.3: the domain must be a fully qualified name that DNS can be asked.
bool is_checkable_domain(std::string_view domain) {
  if (domain.empty() || domain.front() == '[') return false;
  std::string_view d = domain;
  if (d.back() == '.') d.remove_suffix(1);
  return dns::is_valid_query_name(d) && d.find('.') != std::string_view::npos;
}

bool is_same_or_subdomain(std::string_view name, std::string_view domain) {
  const std::string n = dns::canonical_name(name);
  const std::string d = dns::canonical_name(domain);
  return n == d || (n.size() > d.size() && n.ends_with(d) && n[n.size() - d.size() - 1] == '.');
}

class Evaluation {
 public:
  Evaluation(const IpAddress& ip, std::string_view sender, std::string_view helo,
             dns::Resolver& resolver, const SpfLimits& limits, dns::Deadline deadline)
      : ip_(ip.unmapped()),  // §5: IPv4-mapped IPv6 is IPv4
        sender_(sender),
        helo_(helo),
        resolver_(resolver),
        limits_(limits),
        deadline_(deadline.min(dns::Deadline::after(limits.time_budget))) {
    const auto at = sender_.rfind('@');
    local_part_ = at == std::string::npos ? std::string() : sender_.substr(0, at);
    sender_domain_ = at == std::string::npos ? sender_ : sender_.substr(at + 1);
    if (local_part_.empty()) {  // §4.3: "postmaster" stands in for a missing local-part
      local_part_ = "postmaster";
      sender_ = local_part_ + "@" + sender_domain_;
    }
  }

  Verdict check_host(std::string_view domain, bool wants_explanation);
  [[nodiscard]] int dns_terms() const { return dns_terms_; }
  [[nodiscard]] int void_lookups() const { return void_lookups_; }

 private:
  Verdict evaluate(const std::string& domain, const std::string& txt, const SpfRecord& record,
                   bool wants_explanation);
  Match evaluate_mechanism(const SpfMechanism& m, const std::string& domain);
  Match match_a(const std::string& target, const SpfMechanism& m);
  Match match_mx(const std::string& target, const SpfMechanism& m);
  Match match_ptr(const std::string& target);
  Match match_exists(const std::string& target);
  Match match_include(const std::string& target);
  Verdict follow_redirect(const std::string& domain, const SpfRecord& record,
                          bool wants_explanation);
  std::string explain(const std::string& domain, const SpfRecord& record);

  std::optional<Verdict> count_dns_term();
  std::optional<Verdict> count_void(const Answer& answer);
  Result<std::string> expand_target(const std::string& spec, const std::string& domain);
  SpfMacroContext macro_context(const std::string& domain);
  std::vector<std::string> validated_names(std::size_t max_names);
  Result<Answer> lookup(const std::string& name, RecordType type) {
    return resolver_.query(name, type, deadline_);
  }
  RecordType address_type() const { return ip_.is_v4() ? RecordType::a : RecordType::aaaa; }
  bool ip_in(const std::vector<IpAddress>& addresses, const SpfMechanism& m) const {
    const unsigned prefix = ip_.is_v4() ? m.cidr4 : m.cidr6;
    return std::any_of(addresses.begin(), addresses.end(),
                       [&](const IpAddress& a) { return ip_.in_network(a, prefix); });
  }

  IpAddress ip_;
  std::string sender_;
  std::string local_part_;
  std::string sender_domain_;
  std::string helo_;
  dns::Resolver& resolver_;
  const SpfLimits& limits_;
  dns::Deadline deadline_;
  int dns_terms_ = 0;
  int void_lookups_ = 0;
  std::optional<std::vector<std::string>> validated_;  // p macro, looked up once
};

Verdict Evaluation::check_host(std::string_view domain_in, bool wants_explanation) {
  const std::string domain = dns::canonical_name(domain_in);
  if (!is_checkable_domain(domain_in)) {
    return verdict(SpfCode::none, "\"" + std::string(domain_in) +
                                      "\" is not a domain name that can have an SPF record "
                                      "(RFC 7208 §4.3)");
  }
  auto answer = lookup(domain, RecordType::txt);
  if (!answer) {
    return verdict(SpfCode::temperror,
                   "looking up the SPF record of " + domain + ": " + answer.error().message);
  }
  std::vector<const std::string*> found;
  for (const std::string& txt : answer->texts) {
    if (is_spf_record(txt)) found.push_back(&txt);
  }
  if (found.empty()) return verdict(SpfCode::none, domain + " publishes no SPF record");
  if (found.size() > 1) {  // §4.5: more than one record is a permerror
    return verdict(SpfCode::permerror, domain + " publishes " + std::to_string(found.size()) +
                                           " SPF records; it must publish one (RFC 7208 §4.5)");
  }
  const std::string& txt = *found.front();
  auto record = parse_spf_record(txt, limits_);
  if (!record) {
    Verdict v = verdict(SpfCode::permerror,
                        "the SPF record of " + domain + " is invalid: " + record.error().message);
    v.domain = domain;
    v.record = txt;
    return v;
  }
  return evaluate(domain, txt, *record, wants_explanation);
}

Verdict Evaluation::evaluate(const std::string& domain, const std::string& txt,
                             const SpfRecord& record, bool wants_explanation) {
  for (const SpfMechanism& m : record.mechanisms) {
    Match match = evaluate_mechanism(m, domain);
    if (match.error) {
      match.error->why =
          "'" + m.text + "' in the SPF record of " + domain + ": " + match.error->why;
      match.error->domain = domain;
      match.error->record = txt;
      match.error->mechanism = m.text;
      return *match.error;
    }
    if (!match.matched) continue;
    Verdict v;
    v.code = m.qualifier;
    v.domain = domain;
    v.record = txt;
    v.mechanism = m.text;
    v.why = ip_.to_string() + " matched '" + m.text + "' in the SPF record of " + domain;
    if (!match.detail.empty()) v.why += " (" + match.detail + ")";
    if (v.code == SpfCode::fail && wants_explanation && record.exp) {
      v.explanation = explain(domain, record);
    }
    return v;
  }
  if (record.redirect) return follow_redirect(domain, record, wants_explanation);
  Verdict v = verdict(SpfCode::neutral, "no mechanism in the SPF record of " + domain +
                                            " matched " + ip_.to_string() +
                                            "; the default result is neutral (RFC 7208 §4.7)");
  v.domain = domain;
  v.record = txt;
  return v;
}

Verdict Evaluation::follow_redirect(const std::string& domain, const SpfRecord& record,
                                    bool wants_explanation) {
  if (auto over = count_dns_term()) return *over;
  auto target = expand_target(*record.redirect, domain);
  if (!target)
    return verdict(SpfCode::permerror,
                   "redirect=" + *record.redirect + ": " + target.error().message);
  // §6.1: the redirect target's result (and its exp=) replaces ours.
  Verdict v = check_host(*target, wants_explanation);
  if (v.code == SpfCode::none) {
    return verdict(SpfCode::permerror, domain + " redirects to " + *target +
                                           ", which has no SPF record (RFC 7208 §6.1)");
  }
  v.why = domain + " redirects to " + *target + ": " + v.why;
  return v;
}

Match Evaluation::evaluate_mechanism(const SpfMechanism& m, const std::string& domain) {
  if (m.kind == SpfMechanismKind::all) return matched();
  if (m.kind == SpfMechanismKind::ip4 || m.kind == SpfMechanismKind::ip6) {
    const unsigned prefix = m.kind == SpfMechanismKind::ip4 ? m.cidr4 : m.cidr6;
    return ip_.in_network(m.network, prefix) ? matched() : no_match();
  }
  if (auto over = count_dns_term()) return {false, over, {}};
  auto target =
      m.domain_spec.empty() ? Result<std::string>(domain) : expand_target(m.domain_spec, domain);
  if (!target) return error(SpfCode::permerror, "'" + m.text + "': " + target.error().message);
  switch (m.kind) {
    case SpfMechanismKind::include:
      return match_include(*target);
    case SpfMechanismKind::a:
      return match_a(*target, m);
    case SpfMechanismKind::mx:
      return match_mx(*target, m);
    case SpfMechanismKind::ptr:
      return match_ptr(*target);
    case SpfMechanismKind::exists:
      return match_exists(*target);
    default:
      return no_match();
  }
}

Match Evaluation::match_a(const std::string& target, const SpfMechanism& m) {
  // A name that DNS cannot be asked (empty or over-long label, perhaps from
  // a macro) does not exist, so it matches nothing (§4.3, §4.8).
  if (!dns::is_valid_query_name(target)) return no_match();
  auto answer = lookup(target, address_type());
  if (!answer) return error(SpfCode::temperror, answer.error().message);
  if (auto over = count_void(*answer)) return {false, over, {}};
  return ip_in(answer->addresses, m) ? matched() : no_match();
}

Match Evaluation::match_mx(const std::string& target, const SpfMechanism& m) {
  if (!dns::is_valid_query_name(target)) return no_match();
  auto answer = lookup(target, RecordType::mx);
  if (!answer) return error(SpfCode::temperror, answer.error().message);
  if (auto over = count_void(*answer)) return {false, over, {}};
  if (answer->exchanges.size() > static_cast<std::size_t>(limits_.max_mx_names)) {
    return error(SpfCode::permerror, target + " has " + std::to_string(answer->exchanges.size()) +
                                         " MX records, more than the " +
                                         std::to_string(limits_.max_mx_names) +
                                         " SPF may look at (RFC 7208 §4.6.4)");
  }
  for (const dns::MxRecord& mx : answer->exchanges) {
    if (!dns::is_valid_query_name(mx.exchange)) continue;  // null MX (RFC 7505)
    auto addresses = lookup(mx.exchange, address_type());
    if (!addresses) return error(SpfCode::temperror, addresses.error().message);
    if (ip_in(addresses->addresses, m)) return matched("MX host " + mx.exchange);
  }
  return no_match();
}

Match Evaluation::match_ptr(const std::string& target) {
  // §5.5: only names in the target domain need validating.
  for (const std::string& name : validated_names(static_cast<std::size_t>(limits_.max_ptr_names))) {
    if (is_same_or_subdomain(name, target)) return matched("validated name " + name);
  }
  if (void_lookups_ > limits_.max_void_lookups) {
    return error(SpfCode::permerror, "more than " + std::to_string(limits_.max_void_lookups) +
                                         " DNS lookups found nothing (RFC 7208 §4.6.4)");
  }
  return no_match();
}

Match Evaluation::match_exists(const std::string& target) {
  if (!dns::is_valid_query_name(target)) return no_match();
  // §5.7: always an A query, whatever the client's address family.
  auto answer = lookup(target, RecordType::a);
  if (!answer) return error(SpfCode::temperror, answer.error().message);
  if (auto over = count_void(*answer)) return {false, over, {}};
  return answer->addresses.empty() ? no_match() : matched();
}

Match Evaluation::match_include(const std::string& target) {
  // §5.2: the included record's exp= is never used.
  Verdict inner = check_host(target, false);
  switch (inner.code) {
    case SpfCode::pass:
      return matched(target + ": " + inner.why);
    case SpfCode::fail:
    case SpfCode::softfail:
    case SpfCode::neutral:
      return no_match();
    case SpfCode::temperror:  // §5.2: errors of the included check are ours
    case SpfCode::permerror:
      return {false, inner, {}};
    case SpfCode::none:
      break;
  }
  return error(SpfCode::permerror,
               "included domain " + target + " has no SPF record (RFC 7208 §5.2): " + inner.why);
}

// PTR names of the client (at most max_names, §4.6.4) whose A/AAAA records
// lead back to it (§5.5). DNS errors only drop the name concerned.
std::vector<std::string> Evaluation::validated_names(std::size_t max_names) {
  if (validated_) return *validated_;
  validated_.emplace();
  auto ptr = lookup(ip_.reverse_name(), RecordType::ptr);
  if (!ptr) return *validated_;
  if (ptr->is_void()) ++void_lookups_;
  const std::size_t n = std::min(ptr->names.size(), max_names);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& name = ptr->names[i];
    if (!dns::is_valid_query_name(name)) continue;
    auto addresses = lookup(name, address_type());
    if (!addresses) continue;
    if (std::find(addresses->addresses.begin(), addresses->addresses.end(), ip_) !=
        addresses->addresses.end()) {
      validated_->push_back(name);
    }
  }
  return *validated_;
}

std::optional<Verdict> Evaluation::count_dns_term() {
  if (++dns_terms_ <= limits_.max_dns_terms) return std::nullopt;
  return verdict(SpfCode::permerror, "more than " + std::to_string(limits_.max_dns_terms) +
                                         " DNS-querying mechanisms and redirects "
                                         "(RFC 7208 §4.6.4)");
}

std::optional<Verdict> Evaluation::count_void(const Answer& answer) {
  if (!answer.is_void() || ++void_lookups_ <= limits_.max_void_lookups) return std::nullopt;
  return verdict(SpfCode::permerror, "more than " + std::to_string(limits_.max_void_lookups) +
                                         " DNS lookups found nothing (RFC 7208 §4.6.4)");
}

SpfMacroContext Evaluation::macro_context(const std::string& domain) {
  SpfMacroContext ctx;
  ctx.sender = sender_;
  ctx.local_part = local_part_;
  ctx.sender_domain = sender_domain_;
  ctx.domain = domain;
  ctx.helo = helo_;
  ctx.receiver = limits_.receiver;
  ctx.ip = ip_;
  ctx.timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  // §7.3 "p": a validated name in <domain> if there is one, else any, else
  // "unknown". The lookups are the same as the ptr mechanism's.
  ctx.validated_name = [this, domain]() -> std::string {
    const auto names = validated_names(static_cast<std::size_t>(limits_.max_ptr_names));
    for (const std::string& n : names) {
      if (is_same_or_subdomain(n, domain)) return n;
    }
    return names.empty() ? std::string("unknown") : names.front();
  };
  return ctx;
}

Result<std::string> Evaluation::expand_target(const std::string& spec, const std::string& domain) {
  auto expanded = expand_macros(spec, macro_context(domain), MacroUse::domain_spec);
  if (!expanded) return expanded;
  if (!expanded->empty() && expanded->back() == '.') expanded->pop_back();
  return expanded;
}

// §6.2: any problem fetching or expanding the explanation just drops it.
std::string Evaluation::explain(const std::string& domain, const SpfRecord& record) {
  auto target = expand_target(*record.exp, domain);
  if (!target || !dns::is_valid_query_name(*target)) return {};
  auto answer = lookup(*target, RecordType::txt);
  if (!answer || answer->texts.size() != 1) return {};
  auto text = expand_macros(answer->texts.front(), macro_context(domain), MacroUse::explanation);
  if (!text) return {};
  if (text->size() > limits_.max_explanation_bytes) text->resize(limits_.max_explanation_bytes);
  return *text;
}

SpfResult to_result(Verdict v, const Evaluation& e) {
  SpfResult r;
  r.code = v.code;
  r.domain = std::move(v.domain);
  r.record = std::move(v.record);
  r.mechanism = std::move(v.mechanism);
  r.explanation = std::move(v.explanation);
  r.why = std::move(v.why);
  r.dns_terms = e.dns_terms();
  r.void_lookups = e.void_lookups();
  return r;
}

}  // namespace

SpfResult check_host(const IpAddress& ip, std::string_view domain, std::string_view sender,
                     std::string_view helo, dns::Resolver& resolver, const SpfLimits& limits,
                     dns::Deadline deadline) {
  Evaluation evaluation(ip, sender, helo, resolver, limits, deadline);
  Verdict v = evaluation.check_host(domain, true);
  if (v.domain.empty()) v.domain = dns::canonical_name(domain);
  return to_result(std::move(v), evaluation);
}

}  // namespace mailroom::auth
