// DMARC policy discovery and evaluation (RFC 7489 §6.6.1 - §6.6.4).
#include "mailroom/auth/dmarc.hpp"

#include <random>

#include "mailroom/message/address.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::auth {

namespace {

// Domains compare as lower-case A-labels without the root dot.
std::string normalise(std::string_view domain) {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (auto ascii = message::domain_to_ascii(domain)) return *ascii;
  std::string out(domain);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::string org_of(const std::string& domain, const PublicSuffixList& psl) {
  return psl.registrable_domain(domain).value_or(domain);
}

struct Lookup {
  // absent: DNS answered, no DMARC record there; unaskable: no valid name.
  enum class Kind { found, absent, unaskable, temporary, broken } kind = Kind::absent;
  std::string text;
  std::string why;
};

// §6.6.3 steps 1-5 at one domain: TXT records at _dmarc.<domain>, those
// that are not DMARC records dropped; exactly one must remain.
Lookup lookup(const std::string& domain, dns::Resolver& resolver, dns::Deadline deadline) {
  std::string name = "_dmarc." + domain;
  auto answer = resolver.query(name, dns::RecordType::txt, deadline);
  if (!answer) {
    // Only a name that cannot be asked is the domain's problem; any other
    // failure (a timeout, an unreachable or misconfigured server) happened
    // here and says nothing about what the domain publishes (§6.6.3: a DNS
    // error is a temperror, not "no record").
    if (answer.error().kind == ErrorKind::parse) {
      return {
          Lookup::Kind::unaskable, {}, name + " cannot be looked up: " + answer.error().message};
    }
    return {Lookup::Kind::temporary,
            {},
            "DNS lookup of " + name + " failed: " + answer.error().message};
  }
  std::vector<std::string> records;
  for (auto& text : answer->texts) {
    if (is_dmarc_record(text)) records.push_back(std::move(text));
  }
  if (records.empty()) return {Lookup::Kind::absent, {}, "no DMARC record at " + name};
  if (records.size() > 1) {
    return {Lookup::Kind::broken, std::move(records.front()),
            std::to_string(records.size()) + " DMARC records at " + name +
                " (RFC 7489 §6.6.3: no DMARC processing)"};
  }
  return {Lookup::Kind::found, std::move(records.front()), {}};
}

DmarcPolicy downgrade(DmarcPolicy p) {
  return p == DmarcPolicy::reject ? DmarcPolicy::quarantine : DmarcPolicy::none;
}

unsigned draw(const DmarcOptions& options) {
  if (options.random_percent) return options.random_percent() % 100;
  std::random_device device;
  return std::uniform_int_distribution<unsigned>(0, 99)(device);
}

void evaluate_alignment(const DmarcInput& input, const DmarcRecord& record,
                        const PublicSuffixList& psl, DmarcResult& out, bool& temporary) {
  if (input.spf && !input.spf_domain.empty()) {
    std::string spf_domain = normalise(input.spf_domain);
    bool same = aligned(spf_domain, out.from_domain, record.spf_alignment, psl);
    if (same && *input.spf == SpfCode::pass) {
      out.spf_aligned = true;
      out.aligned_spf_domain = spf_domain;
    }
    temporary = temporary || (same && *input.spf == SpfCode::temperror);
  }
  for (const DkimResult& dkim : input.dkim) {
    std::string d = normalise(dkim.domain);
    bool same = !d.empty() && aligned(d, out.from_domain, record.dkim_alignment, psl);
    if (same && dkim.status == DkimStatus::pass && !out.dkim_aligned) {
      out.dkim_aligned = true;
      out.aligned_dkim_domain = d;
    }
    temporary = temporary || (same && dkim.status == DkimStatus::temperror);
  }
}

std::string describe_failure(const DmarcInput& input, const DmarcRecord& record,
                             const DmarcResult& out) {
  std::string why = "neither SPF nor DKIM passed for a domain aligned with " + out.from_domain;
  if (input.spf && !input.spf_domain.empty()) {
    why += "; SPF was " + std::string(to_string(*input.spf)) + " for " + input.spf_domain + " (" +
           std::string(to_string(record.spf_alignment)) + " alignment)";
  } else {
    why += "; no SPF result";
  }
  if (input.dkim.empty()) {
    why += "; no DKIM signature";
  } else {
    for (const DkimResult& d : input.dkim) {
      why += "; DKIM d=" + d.domain + " " + std::string(to_string(d.status));
    }
    why += " (" + std::string(to_string(record.dkim_alignment)) + " alignment)";
  }
  return why;
}

void apply_policy(const DmarcRecord& record, const DmarcOptions& options, DmarcResult& out) {
  out.policy = out.published;
  if (record.percent < 100 && draw(options) >= record.percent) {
    // §6.6.4: outside the sample, the next policy down applies.
    out.sampled_out = true;
    out.policy = downgrade(out.published);
  }
}

}  // namespace

std::string_view to_string(DmarcCode code) noexcept {
  switch (code) {
    case DmarcCode::none:
      return "none";
    case DmarcCode::pass:
      return "pass";
    case DmarcCode::fail:
      return "fail";
    case DmarcCode::temperror:
      return "temperror";
    case DmarcCode::permerror:
      return "permerror";
  }
  return "none";
}

Result<std::string> author_domain(const message::Message& message) {
  auto fields = message.find_all("From");
  if (fields.empty()) return fail(ErrorKind::parse, "the message has no From field");
  if (fields.size() > 1) {
    return fail(ErrorKind::parse, "the message has " + std::to_string(fields.size()) +
                                      " From fields (RFC 5322 allows one)");
  }
  const auto& addresses = message.field_addresses(*fields.front());
  if (addresses.empty()) return fail(ErrorKind::parse, "the From field holds no address");
  std::string domain;
  for (const auto& address : addresses) {
    if (address.domain.empty()) return fail(ErrorKind::parse, "a From address has no domain");
    if (address.domain.front() == '[') {
      return fail(ErrorKind::parse, "the From domain is an address literal");
    }
    std::string d = normalise(address.domain);
    if (!domain.empty() && d != domain) {
      // §6.6.1: several authors in different domains; we do not pick one.
      return fail(ErrorKind::parse, "From names authors in different domains");
    }
    domain = std::move(d);
  }
  return domain;
}

bool aligned(std::string_view a, std::string_view b, DmarcAlignment mode,
             const PublicSuffixList& psl) {
  std::string x = normalise(a);
  std::string y = normalise(b);
  if (x.empty() || y.empty()) return false;
  if (mode == DmarcAlignment::strict) return x == y;
  return org_of(x, psl) == org_of(y, psl);
}

DmarcResult dmarc_no_author(std::string_view why) {
  DmarcResult out;
  out.code = DmarcCode::permerror;
  out.reason = "no author domain: " + std::string(why);
  out.advice = "the sender should put exactly one address with a domain in From";
  return out;
}

DmarcResult check_dmarc(const DmarcInput& input, dns::Resolver& resolver,
                        const PublicSuffixList& psl, const DmarcOptions& options) {
  DmarcResult out;
  try {
    out.from_domain = normalise(input.from_domain);
    if (out.from_domain.empty()) return dmarc_no_author("empty From domain");
    out.org_domain = org_of(out.from_domain, psl);

    // §6.6.3: the author domain first, then its organisational domain.
    Lookup found = lookup(out.from_domain, resolver, options.deadline);
    out.record_domain = out.from_domain;
    if (found.kind == Lookup::Kind::absent && out.org_domain != out.from_domain) {
      std::string first_why = found.why;
      found = lookup(out.org_domain, resolver, options.deadline);
      out.record_domain = out.org_domain;
      if (found.kind == Lookup::Kind::absent)
        found.why = first_why + ", nor at _dmarc." + out.org_domain;
    }
    switch (found.kind) {
      case Lookup::Kind::absent:
      case Lookup::Kind::unaskable:
        out.code = DmarcCode::none;
        out.record_domain.clear();
        out.reason = found.why;
        // Advice only when DNS really said there is no record.
        if (found.kind == Lookup::Kind::absent)
          out.advice = "publish a DMARC record at _dmarc." + out.org_domain;
        return out;
      case Lookup::Kind::temporary:
        out.code = DmarcCode::temperror;
        out.reason = found.why;
        return out;
      case Lookup::Kind::broken:
        out.code = DmarcCode::permerror;
        out.record_text = found.text;
        out.reason = found.why;
        out.advice = "publish exactly one DMARC record at _dmarc." + out.record_domain;
        return out;
      case Lookup::Kind::found:
        break;
    }
    out.record_text = found.text;
    auto record = parse_dmarc_record(found.text, options.limits);
    if (!record) {
      out.code = DmarcCode::permerror;
      out.reason = "DMARC record at _dmarc." + out.record_domain +
                   " is invalid: " + record.error().describe();
      out.advice = "fix the DMARC record at _dmarc." + out.record_domain;
      return out;
    }
    out.record = *record;
    bool subdomain = out.record_domain != out.from_domain;
    out.published = record->policy_for(subdomain);

    bool temporary = false;
    evaluate_alignment(input, *record, psl, out, temporary);
    std::string policy_text = std::string(subdomain ? "sp=" : "p=") +
                              std::string(to_string(out.published)) + " at _dmarc." +
                              out.record_domain;
    if (out.spf_aligned || out.dkim_aligned) {
      out.code = DmarcCode::pass;
      out.reason = std::string(out.dkim_aligned ? "DKIM d=" + out.aligned_dkim_domain : "") +
                   (out.dkim_aligned && out.spf_aligned ? " and " : "") +
                   (out.spf_aligned ? "SPF " + out.aligned_spf_domain : "") + " aligned with " +
                   out.from_domain + " and passed (" + policy_text + ")";
      return out;
    }
    if (temporary) {
      out.code = DmarcCode::temperror;
      out.reason = "no aligned pass, and an aligned check failed temporarily (" + policy_text + ")";
      return out;
    }
    out.code = DmarcCode::fail;
    apply_policy(*record, options, out);
    out.reason = describe_failure(input, *record, out) + " (" + policy_text +
                 (out.sampled_out ? ", pct=" + std::to_string(record->percent) +
                                        " left this message out of the sample"
                                  : "") +
                 ")";
    out.advice = "sign with DKIM as " + out.from_domain + " (or a subdomain of " + out.org_domain +
                 ") or send from an envelope domain under " + out.org_domain +
                 " that SPF authorises";
    return out;
  } catch (...) {
    out.code = DmarcCode::temperror;
    out.reason = "internal error during DMARC evaluation";
    return out;
  }
}

}  // namespace mailroom::auth
