// The authentication stage: runs SPF, DKIM, ARC and DMARC under one DNS time
// budget (or reuses a trusted upstream's results) and renders our one
// Authentication-Results value (RFC 8601).
#include "mailroom/auth/authenticate.hpp"
#include "mailroom/util/host.hpp"

#include <unistd.h>

#include <climits>
#include <functional>

#include "address_domain.hpp"
#include "ask_ahead.hpp"
#include "dkim_crypto.hpp"
#include "dns_budget.hpp"
#include "mailroom/auth/dkim_dns.hpp"
#include "mailroom/auth/psl.hpp"
#include "mailroom/dns/ip_address.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {

namespace {

const PublicSuffixList& psl_or_default(const AuthConfig& config, std::vector<std::string>& notes,
                                       std::shared_ptr<const PublicSuffixList>& holder) {
  static const PublicSuffixList empty;
  auto list = shared_public_suffix_list(config.psl_path);
  if (list) {
    holder = *list;
    return *holder;
  }
  notes.push_back("Public Suffix List not loaded (" + list.error().message +
                  "): organisational domains are the last two labels");
  return empty;
}

void run_spf(const AuthInput& input, dns::Resolver& resolver, const std::string& authserv_id,
             dns::Deadline deadline, AuthResults& out) {
  if (input.client_ip.empty()) return;
  auto ip = dns::IpAddress::parse(input.client_ip);
  if (!ip) {
    out.explanation.push_back("SPF not checked: client IP '" + input.client_ip +
                              "' is not an IP address");
    return;
  }
  SpfLimits limits;
  limits.receiver = authserv_id;
  if (input.mail_from && !input.mail_from->empty()) {
    out.spf_identity = SpfIdentity::mail_from;
    out.spf_identity_value = *input.mail_from;
    out.spf = check_mail_from(*ip, *input.mail_from, input.helo, resolver, limits, deadline);
  } else if (!input.helo.empty()) {
    // A null reverse-path is checked as postmaster@HELO (RFC 7208 §2.4);
    // with no envelope at all, the HELO identity alone (§2.3).
    out.spf_identity = SpfIdentity::helo;
    out.spf_identity_value = input.helo;
    out.spf = input.mail_from ? check_mail_from(*ip, "", input.helo, resolver, limits, deadline)
                              : check_helo(*ip, input.helo, resolver, limits, deadline);
  }
}

template <class Code>
Code code_from(std::string_view text, std::initializer_list<std::pair<std::string_view, Code>> map,
               Code fallback) {
  for (const auto& [name, code] : map) {
    if (name == text) return code;
  }
  return fallback;
}

// Trusted upstream: its results become ours, marked as reported by it.
void adopt_upstream(const TrustedResults& trusted, AuthResults& out) {
  out.from_trusted_upstream = true;
  out.upstream_authserv_id = trusted.results.authserv_id;
  for (const ArResult& r : trusted.results.results) {
    std::string why =
        "reported by " + trusted.results.authserv_id + (r.reason.empty() ? "" : ": " + r.reason);
    if (r.method == "spf" && !out.spf) {
      SpfResult spf;
      spf.code = code_from<SpfCode>(r.result,
                                    {{"none", SpfCode::none},
                                     {"neutral", SpfCode::neutral},
                                     {"pass", SpfCode::pass},
                                     {"fail", SpfCode::fail},
                                     {"softfail", SpfCode::softfail},
                                     {"temperror", SpfCode::temperror}},
                                    SpfCode::permerror);
      const std::string* helo = r.find("smtp", "helo");
      const std::string* from = r.find("smtp", "mailfrom");
      out.spf_identity = from != nullptr ? SpfIdentity::mail_from : SpfIdentity::helo;
      out.spf_identity_value = from != nullptr ? *from : helo != nullptr ? *helo : "";
      spf.domain = std::string(domain_part(out.spf_identity_value));
      spf.why = why;
      out.spf = std::move(spf);
    } else if (r.method == "dkim" && r.result != "none") {
      DkimResult d;
      d.status = code_from<DkimStatus>(r.result,
                                       {{"pass", DkimStatus::pass},
                                        {"fail", DkimStatus::fail},
                                        {"neutral", DkimStatus::neutral},
                                        {"policy", DkimStatus::policy},
                                        {"temperror", DkimStatus::temperror}},
                                       DkimStatus::permerror);
      auto get = [&](std::string_view p) {
        const std::string* v = r.find("header", p);
        return v == nullptr ? std::string() : *v;
      };
      d.domain = get("d");
      d.selector = get("s");
      d.algorithm = get("a");
      d.identity = get("i");
      d.signature_prefix = get("b");
      d.reason = why;
      out.dkim.push_back(std::move(d));
    } else if (r.method == "dmarc") {
      out.dmarc.code = code_from<DmarcCode>(r.result,
                                            {{"none", DmarcCode::none},
                                             {"pass", DmarcCode::pass},
                                             {"fail", DmarcCode::fail},
                                             {"temperror", DmarcCode::temperror}},
                                            DmarcCode::permerror);
      if (const std::string* from = r.find("header", "from")) out.dmarc.from_domain = *from;
      if (const std::string* p = r.find("polrec", "p")) {
        out.dmarc.published = code_from<DmarcPolicy>(
            *p, {{"quarantine", DmarcPolicy::quarantine}, {"reject", DmarcPolicy::reject}},
            DmarcPolicy::none);
      }
      if (out.dmarc.code == DmarcCode::fail) out.dmarc.policy = out.dmarc.published;
      out.dmarc.reason = why;
    } else if (r.method == "arc") {
      out.arc.status = code_from<ArcChainStatus>(
          r.result, {{"pass", ArcChainStatus::pass}, {"fail", ArcChainStatus::fail}},
          ArcChainStatus::none);
      out.arc.reason = why;
    }
  }
}

void check_everything(const message::Message& message, const AuthInput& input,
                      dns::Resolver& resolver, const AuthConfig& config, AuthResults& out) {
  const CheckDeadlines ends = share_budget(config.dns_budget);
  BudgetResolver whole(resolver, ends.dmarc, config.dns_timeout);
  // Every check's first question goes out now. If a signature will need
  // OpenSSL, its one-time set-up (about a millisecond in a fresh process)
  // runs while the resolver would otherwise wait for the answers; when no
  // wait comes (the answers are in, or DNS failed at once) it runs only if
  // a key arrives. A thread for the set-up was tried and measured: no gain,
  // the two compete for the same page faults.
  SignedMessage signed_message(message);
  DkimOptions options;
  ask_ahead(message, signed_message, options.limits, input, whole);
  if (count_signatures(message) > 0) whole.while_waiting(prepare_crypto);

  BudgetResolver spf_dns(resolver, ends.spf, config.dns_timeout);
  run_spf(input, spf_dns, out.authserv_id, ends.spf, out);

  if (config.clock) options.clock = config.clock;
  options.hash_body_without_key = config.hash_body_without_key;
  BudgetResolver dkim_dns(resolver, ends.dkim, config.dns_timeout);
  DkimVerifier verifier(dns_key_fetcher(dkim_dns, ends.dkim), options);
  out.dkim = verifier.verify(signed_message);
  out.arc = validate_arc(verifier, signed_message);

  std::shared_ptr<const PublicSuffixList> holder;
  const PublicSuffixList& psl = psl_or_default(config, out.explanation, holder);
  auto from = author_domain(message);
  if (!from) {
    out.dmarc = dmarc_no_author(from.error().message);
    return;
  }
  DmarcInput dmarc_input;
  dmarc_input.from_domain = *from;
  // RFC 7489 §3.1.2 / §4.1: the SPF-authenticated identifier is the MAIL
  // FROM domain (postmaster@HELO for a null sender, RFC 7208 §2.4); a HELO
  // check made without knowing the envelope does not count.
  if (out.spf && input.mail_from) {
    dmarc_input.spf = out.spf->code;
    dmarc_input.spf_domain =
        input.mail_from->empty() ? input.helo : std::string(domain_part(*input.mail_from));
  }
  dmarc_input.dkim = out.dkim;
  DmarcOptions dmarc_options;
  dmarc_options.deadline = ends.dmarc;
  dmarc_options.random_percent = config.random_percent;
  out.dmarc = check_dmarc(dmarc_input, whole, psl, dmarc_options);
}

}  // namespace

AuthResults authenticate(const message::Message& message, const AuthInput& input,
                         dns::Resolver& resolver, const AuthConfig& config) noexcept {
  AuthResults out;
  try {
    out.authserv_id = config.authserv_id.empty() ? host_name() : config.authserv_id;
    out.forged = find_claiming(message.headers(), out.authserv_id);
    if (!config.enabled) return out;
    auto trusted = config.trusted_authserv_ids.empty()
                       ? std::nullopt
                       : find_trusted(message.headers(), config.trusted_authserv_ids);
    if (trusted && !iequals(trusted->results.authserv_id, out.authserv_id)) {
      adopt_upstream(*trusted, out);
    } else {
      check_everything(message, input, resolver, config, out);
    }
    out.header_value = render_authentication_results(to_authentication_results(out, input));
  } catch (...) {
    // Only std::bad_alloc can get here; say so rather than claim anything.
    out.header_value = out.authserv_id + "; none";
    out.explanation.emplace_back("internal error: authentication was not completed");
  }
  return out;
}

}  // namespace mailroom::auth
