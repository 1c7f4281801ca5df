// What authenticate() found, two ways: the Authentication-Results model
// (RFC 8601 §2.7, RFC 7489 §11.2, RFC 8617 §10) and sentences for
// `mailroom auth check`.
#include <algorithm>

#include "mailroom/auth/authenticate.hpp"

namespace mailroom::auth {

namespace {

constexpr std::size_t kMaxReason = 100;  // keep the field readable

std::string short_reason(std::string text) {
  if (text.size() > kMaxReason) {
    text.resize(kMaxReason - 3);
    text += "...";
  }
  return text;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
  return out;
}

ArResult spf_entry(const AuthResults& r) {
  ArResult e{"spf", 1, std::string(to_string(r.spf->code)), {}, {}, {}};
  if (r.spf->code != SpfCode::pass && r.spf->code != SpfCode::none && !r.spf->why.empty()) {
    e.reason = short_reason(r.spf->why);
  }
  if (r.spf_identity == SpfIdentity::mail_from) {
    e.properties.push_back({"smtp", "mailfrom", r.spf_identity_value});
  } else {
    e.properties.push_back({"smtp", "helo", r.spf_identity_value});
  }
  return e;
}

ArResult dkim_entry(const DkimResult& d) {
  ArResult e{"dkim", 1, std::string(to_string(d.status)), {}, {}, {}};
  if (d.status != DkimStatus::pass && !d.reason.empty()) e.reason = short_reason(d.reason);
  if (!d.domain.empty()) e.properties.push_back({"header", "d", d.domain});
  if (!d.selector.empty()) e.properties.push_back({"header", "s", d.selector});
  if (!d.algorithm.empty()) e.properties.push_back({"header", "a", d.algorithm});
  if (!d.signature_prefix.empty()) {
    e.properties.push_back({"header", "b", d.signature_prefix.substr(0, 8)});
  }
  return e;
}

// RFC 7489 §11.2 registers header.from; the polrec ptype (DMARCbis, in the
// IANA Email Authentication Methods registry) carries the policy record's
// p= and, when it differs from the From domain, where it was found. The
// disposition we chose goes in a comment, as no property is registered.
ArResult dmarc_entry(const DmarcResult& d) {
  ArResult e{"dmarc", 1, std::string(to_string(d.code)), {}, {}, {}};
  if (d.record) {
    e.comment = "p=" + upper(to_string(d.record->policy));
    if (d.record->subdomain_policy)
      e.comment += " sp=" + upper(to_string(*d.record->subdomain_policy));
    if (d.record->percent != 100) e.comment += " pct=" + std::to_string(d.record->percent);
    e.comment += " dis=" + upper(to_string(d.policy));
  }
  // The full story is in the explanation; the field gets the gist.
  if (d.code == DmarcCode::fail) {
    e.reason = "no aligned SPF or DKIM pass";
  } else if (d.code != DmarcCode::pass && !d.reason.empty()) {
    e.reason = short_reason(d.reason);
  }
  if (!d.from_domain.empty()) e.properties.push_back({"header", "from", d.from_domain});
  if (d.record) e.properties.push_back({"polrec", "p", std::string(to_string(d.published))});
  if (d.record && !d.record_domain.empty() && d.record_domain != d.from_domain) {
    e.properties.push_back({"polrec", "domain", d.record_domain});
  }
  return e;
}

ArResult arc_entry(const AuthResults& r, const AuthInput& input) {
  ArResult e{"arc", 1, std::string(to_string(r.arc.status)), {}, {}, {}};
  if (r.arc.status == ArcChainStatus::fail && !r.arc.reason.empty()) {
    e.reason = short_reason(r.arc.reason);
  }
  if (!input.client_ip.empty()) e.properties.push_back({"smtp", "remote-ip", input.client_ip});
  if (r.arc.status == ArcChainStatus::pass) {
    e.properties.push_back({"header", "oldest-pass", std::to_string(r.arc.oldest_pass)});
  }
  return e;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(sep)) + item;
  return out;
}

void explain_spf(const AuthResults& r, std::vector<std::string>& out) {
  if (!r.spf) {
    out.emplace_back("SPF: not checked (no client IP given)");
    return;
  }
  std::string who = r.spf_identity == SpfIdentity::mail_from ? "MAIL FROM " : "HELO ";
  out.push_back("SPF for " + who + r.spf_identity_value + ": " +
                std::string(to_string(r.spf->code)) +
                (r.spf->why.empty() ? "" : " - " + r.spf->why));
  if (!r.spf->record.empty()) out.push_back("  record at " + r.spf->domain + ": " + r.spf->record);
  if (!r.spf->mechanism.empty()) out.push_back("  matched: " + r.spf->mechanism);
  if (r.spf->code == SpfCode::fail || r.spf->code == SpfCode::softfail) {
    out.push_back("  fix: the owner of " + r.spf->domain +
                  " should list this server in its SPF record if it sends for them");
  } else if (r.spf->code == SpfCode::permerror) {
    out.push_back("  fix: correct the SPF record of " + r.spf->domain);
  }
}

void explain_dkim(const AuthResults& r, std::vector<std::string>& out) {
  if (r.dkim.empty()) {
    out.emplace_back("DKIM: the message is not signed");
    return;
  }
  for (const DkimResult& d : r.dkim) {
    out.push_back("DKIM signature d=" + d.domain + " s=" + d.selector + " a=" + d.algorithm + ": " +
                  std::string(to_string(d.status)) + (d.reason.empty() ? "" : " - " + d.reason));
    if (!d.signed_headers.empty())
      out.push_back("  signed headers: " + join(d.signed_headers, ", "));
    if (d.length)
      out.push_back("  l=" + std::to_string(*d.length) + ": only part of the body is signed");
    if (d.body_hash_matches) {
      out.push_back(*d.body_hash_matches
                        ? "  body hash (bh=): matches the body as received"
                        : "  body hash (bh=): does not match: the body changed after signing");
    }
    if (d.key_testing) out.push_back("  the key is in testing mode (t=y)");
  }
}

void explain_dmarc(const AuthResults& r, std::vector<std::string>& out) {
  const DmarcResult& d = r.dmarc;
  out.push_back("DMARC for " +
                (d.from_domain.empty() ? std::string("(no author domain)") : d.from_domain) + ": " +
                std::string(to_string(d.code)) + " - " + d.reason);
  if (!d.record_text.empty())
    out.push_back("  record at _dmarc." + d.record_domain + ": " + d.record_text);
  if (d.code == DmarcCode::fail) {
    out.push_back("  policy to apply: " + std::string(to_string(d.policy)) +
                  (d.sampled_out ? " (pct= sampling lowered it)" : ""));
  }
  if (!d.advice.empty()) out.push_back("  fix: " + d.advice);
}

void explain_arc(const AuthResults& r, std::vector<std::string>& out) {
  out.push_back("ARC: " + std::string(to_string(r.arc.status)) +
                (r.arc.reason.empty() ? "" : " - " + r.arc.reason));
  for (const ArcSealer& s : r.arc.sealers) {
    out.push_back("  i=" + std::to_string(s.instance) + " sealed by " + s.domain +
                  " (cv=" + std::string(to_string(s.cv)) + ")" +
                  (s.authentication_results.empty() ? "" : ": " + s.authentication_results));
  }
}

}  // namespace

AuthenticationResults to_authentication_results(const AuthResults& results,
                                                const AuthInput& input) {
  AuthenticationResults ar;
  ar.authserv_id = results.authserv_id;
  std::string via = results.from_trusted_upstream ? "from " + results.upstream_authserv_id : "";
  if (results.spf) ar.results.push_back(spf_entry(results));
  if (results.dkim.empty()) {
    ar.results.push_back(ArResult{"dkim", 1, "none", {}, {}, {}});
  }
  for (const DkimResult& d : results.dkim) ar.results.push_back(dkim_entry(d));
  ar.results.push_back(dmarc_entry(results.dmarc));
  ar.results.push_back(arc_entry(results, input));
  if (!via.empty()) {
    for (auto& r : ar.results) {
      r.comment = r.comment.empty() ? via : via + "; " + r.comment;
      r.reason.clear();  // theirs, not ours: in the explanation only
    }
  }
  return ar;
}

std::string summarize(const AuthResults& results) {
  std::string out;
  if (results.spf) out = "spf=" + std::string(to_string(results.spf->code)) + " ";
  out += "dkim=";
  if (results.dkim.empty()) out += "none";
  for (std::size_t i = 0; i < results.dkim.size(); ++i)
    out += (i == 0 ? "" : ",") + std::string(to_string(results.dkim[i].status));
  out += " dmarc=" + std::string(to_string(results.dmarc.code));
  out += " arc=" + std::string(to_string(results.arc.status));
  return out;
}

std::vector<std::string> explain(const AuthResults& results) {
  std::vector<std::string> out;
  if (results.from_trusted_upstream) {
    out.push_back("Results reused from the trusted Authentication-Results of " +
                  results.upstream_authserv_id + " (not checked again)");
  }
  explain_spf(results, out);
  explain_dkim(results, out);
  explain_dmarc(results, out);
  explain_arc(results, out);
  if (!results.forged.empty()) {
    out.push_back(std::to_string(results.forged.size()) +
                  " Authentication-Results field(s) already claim our authserv-id " +
                  results.authserv_id + ": not ours, to be renamed " +
                  std::string(kForgedFieldName));
  }
  return out;
}

}  // namespace mailroom::auth
