#include "mailroom/auth/dkim_signature.hpp"

#include <charconv>

#include "dkim_base64.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

using Code = TagErrorCode;

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// §3.5: l=, t= and x= are at most 12 (t, x) or 76 (l) digits; anything that
// does not fit 64 bits is not a value we can honour.
TagResult<std::uint64_t> parse_number(const Tag& tag) {
  std::uint64_t v = 0;
  auto s = tag.value;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!is_digits(s) || ec != std::errc() || p != s.data() + s.size()) {
    return tag_error(Code::invalid_tag, tag.value_begin, std::string(tag.name));
  }
  return v;
}

TagResult<std::string> parse_base64(const Tag& tag) {
  auto decoded = base64_decode(tag.value);
  if (!decoded || decoded->empty()) {
    return tag_error(Code::invalid_tag, tag.value_begin, std::string(tag.name));
  }
  return std::move(*decoded);
}

TagResult<SignatureAlgorithm> parse_algorithm(const Tag& tag) {
  if (iequals(tag.value, "rsa-sha256")) return SignatureAlgorithm::rsa_sha256;
  if (iequals(tag.value, "ed25519-sha256")) return SignatureAlgorithm::ed25519_sha256;
  if (iequals(tag.value, "rsa-sha1")) return SignatureAlgorithm::rsa_sha1;
  return tag_error(Code::unsupported, tag.value_begin, "a=" + std::string(tag.value));
}

std::optional<Canonicalization> canon_name(std::string_view s) {
  if (iequals(s, "simple")) return Canonicalization::simple;
  if (iequals(s, "relaxed")) return Canonicalization::relaxed;
  return std::nullopt;
}

// §3.5 c=: "header/body"; a lone value names the header algorithm and the
// body one stays "simple".
Status parse_canon(const Tag& tag, DkimSignature& sig) {
  auto slash = tag.value.find('/');
  auto head = canon_name(tag.value.substr(0, slash));
  auto body = slash == std::string_view::npos ? std::optional(Canonicalization::simple)
                                              : canon_name(tag.value.substr(slash + 1));
  if (!head || !body) return fail(ErrorKind::parse, "c=");
  sig.header_canon = *head;
  sig.body_canon = *body;
  return ok();
}

TagResult<std::vector<std::string>> parse_header_list(const Tag& tag, const DkimLimits& limits) {
  std::vector<std::string> names;
  std::string_view rest = tag.value;
  while (true) {
    auto colon = rest.find(':');
    auto name = trim_space(rest.substr(0, colon));
    if (names.size() >= limits.max_signed_headers) {
      return tag_error(Code::invalid_tag, tag.value_begin, "h= lists too many fields");
    }
    for (char c : name) {  // RFC 5322 ftext: printable ASCII but ":"
      if (c < 0x21 || c > 0x7e) return tag_error(Code::invalid_tag, tag.value_begin, "h=");
    }
    // An empty name ("to::date", or h= empty) names no field and hashes
    // nothing: dkimpy and the ARC test suite accept it.
    if (!name.empty()) names.emplace_back(name);
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return names;
}

bool lists_dns_txt(std::string_view q) {
  while (true) {
    auto colon = q.find(':');
    auto item = trim_space(q.substr(0, colon));
    if (iequals(item, "dns/txt") || iequals(item, "dns")) return true;
    if (colon == std::string_view::npos) return false;
    q.remove_prefix(colon + 1);
  }
}

// §3.5 i=: "[ Local-part ] @ domain", and the domain must be d= or below it.
bool identity_in_domain(std::string_view identity, std::string_view domain) {
  auto at = identity.rfind('@');
  if (at == std::string_view::npos) return false;
  auto host = identity.substr(at + 1);
  if (iequals(host, domain)) return true;
  return host.size() > domain.size() + 1 && host[host.size() - domain.size() - 1] == '.' &&
         iequals(host.substr(host.size() - domain.size()), domain);
}

const Tag* require(const TagList& tags, std::string_view name) { return tags.find(name); }

TagResult<DkimSignature> check_required(const TagList& tags, SignatureKind kind) {
  for (std::string_view name : {"a", "b", "bh", "d", "h", "s"}) {
    if (require(tags, name) == nullptr) return tag_error(Code::missing_tag, 0, std::string(name));
  }
  if (kind == SignatureKind::dkim) {
    const Tag* v = tags.find("v");
    if (v == nullptr) return tag_error(Code::missing_tag, 0, "v");
    if (v->value != "1")
      return tag_error(Code::unsupported, v->value_begin, "v=" + std::string(v->value));
  } else if (tags.find("i") == nullptr) {
    return tag_error(Code::missing_tag, 0, "i");
  }
  return DkimSignature{};
}

Status fill_instance(const Tag& tag, DkimSignature& sig, const DkimLimits& limits) {
  auto n = parse_number(tag);
  if (!n || *n < 1 || *n > limits.max_arc_sets) return fail(ErrorKind::parse, "i=");
  sig.instance = static_cast<unsigned>(*n);
  return ok();
}

TagResult<DkimSignature> fill_core(const TagList& tags, SignatureKind kind,
                                   const DkimLimits& limits) {
  auto sig = check_required(tags, kind);
  if (!sig) return sig;
  sig->kind = kind;
  const Tag& a = *tags.find("a");
  auto alg = parse_algorithm(a);
  if (!alg) return tl::unexpected(alg.error());
  sig->algorithm = *alg;
  sig->algorithm_name = std::string(a.value);
  const Tag& b = *tags.find("b");
  auto sig_bytes = parse_base64(b);
  if (!sig_bytes) return tl::unexpected(sig_bytes.error());
  sig->signature = std::move(*sig_bytes);
  sig->b_begin = b.value_begin;
  sig->b_end = b.value_end;
  auto bh = parse_base64(*tags.find("bh"));
  if (!bh) return tl::unexpected(bh.error());
  sig->body_hash = std::move(*bh);
  const Tag& d = *tags.find("d");
  if (!is_domain_name(d.value)) return tag_error(Code::invalid_tag, d.value_begin, "d=");
  sig->domain = std::string(d.value);
  const Tag& s = *tags.find("s");
  if (!is_domain_name(s.value)) return tag_error(Code::invalid_tag, s.value_begin, "s=");
  sig->selector = std::string(s.value);
  auto h = parse_header_list(*tags.find("h"), limits);
  if (!h) return tl::unexpected(h.error());
  sig->signed_headers = std::move(*h);
  return sig;
}

TagResult<DkimSignature> fill_optional(const TagList& tags, DkimSignature sig,
                                       const DkimLimits& limits) {
  if (sig.kind == SignatureKind::arc_message) {
    // RFC 8617 leaves c= optional; the ARC reference implementations (dkimpy,
    // OpenARC) and the ARC test suite take relaxed/relaxed when it is absent.
    sig.header_canon = Canonicalization::relaxed;
    sig.body_canon = Canonicalization::relaxed;
  }
  if (const Tag* c = tags.find("c"); c != nullptr && !parse_canon(*c, sig)) {
    return tag_error(Code::invalid_tag, c->value_begin, "c=");
  }
  if (const Tag* q = tags.find("q"); q != nullptr && !lists_dns_txt(q->value)) {
    return tag_error(Code::unsupported, q->value_begin, "q=" + std::string(q->value));
  }
  for (auto [name, field] : {std::pair{"l", &sig.length}, std::pair{"t", &sig.timestamp},
                             std::pair{"x", &sig.expiration}}) {
    if (const Tag* tag = tags.find(name); tag != nullptr) {
      auto n = parse_number(*tag);
      if (!n) return tl::unexpected(n.error());
      *field = *n;
    }
  }
  if (sig.timestamp && sig.expiration && *sig.expiration < *sig.timestamp) {
    return tag_error(Code::invalid_tag, tags.find("x")->value_begin, "x= before t=");
  }
  if (sig.kind == SignatureKind::arc_message) {
    if (!fill_instance(*tags.find("i"), sig, limits)) {
      return tag_error(Code::invalid_tag, tags.find("i")->value_begin, "i=");
    }
    return sig;
  }
  if (const Tag* i = tags.find("i"); i != nullptr) {
    if (!identity_in_domain(i->value, sig.domain)) {
      return tag_error(Code::invalid_tag, i->value_begin, "i= not in d= domain");
    }
    sig.identity = std::string(i->value);
  } else {
    sig.identity = "@" + sig.domain;
  }
  return sig;
}

bool lists_header(const std::vector<std::string>& names, std::string_view wanted) {
  for (const auto& n : names) {
    if (iequals(n, wanted)) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(Canonicalization c) noexcept {
  return c == Canonicalization::simple ? "simple" : "relaxed";
}

std::string_view to_string(SignatureAlgorithm a) noexcept {
  switch (a) {
    case SignatureAlgorithm::rsa_sha256:
      return "rsa-sha256";
    case SignatureAlgorithm::rsa_sha1:
      return "rsa-sha1";
    case SignatureAlgorithm::ed25519_sha256:
      return "ed25519-sha256";
  }
  return "unknown";
}

bool is_domain_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 255) return false;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label != 0;
}

TagResult<DkimSignature> parse_dkim_signature(std::string_view value, SignatureKind kind,
                                              const DkimLimits& limits) {
  auto tags = parse_tag_list(value, limits.tags);
  if (!tags) return tl::unexpected(tags.error());
  auto sig = fill_core(*tags, kind, limits);
  if (!sig) return sig;
  auto full = fill_optional(*tags, std::move(*sig), limits);
  if (!full) return full;
  // §6.1.1: the From field MUST be signed. RFC 8617 §4.1.2: an AMS MUST NOT
  // sign ARC-Seal fields.
  if (kind == SignatureKind::dkim && !lists_header(full->signed_headers, "from")) {
    return tag_error(Code::invalid_tag, tags->find("h")->value_begin, "h= does not sign From");
  }
  if (kind == SignatureKind::arc_message && lists_header(full->signed_headers, "arc-seal")) {
    return tag_error(Code::invalid_tag, tags->find("h")->value_begin, "h= signs ARC-Seal");
  }
  return full;
}

}  // namespace mailroom::auth
