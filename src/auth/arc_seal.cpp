// RFC 8617 §4.1.1 and §4.1.3: the instance tag of ARC-Authentication-Results
// and the tags of ARC-Seal.
#include <charconv>

#include "dkim_base64.hpp"
#include "mailroom/auth/arc.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

using Code = TagErrorCode;

bool is_fws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

TagResult<unsigned> parse_instance(const Tag& tag, const DkimLimits& limits) {
  unsigned v = 0;
  auto s = tag.value;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || s[0] == '+' || ec != std::errc() || p != s.data() + s.size() || v < 1 ||
      v > limits.max_arc_sets) {
    return tag_error(Code::invalid_tag, tag.value_begin, "i=");
  }
  return v;
}

std::optional<ArcChainStatus> parse_cv(std::string_view v) {
  if (iequals(v, "none")) return ArcChainStatus::none;
  if (iequals(v, "pass")) return ArcChainStatus::pass;
  if (iequals(v, "fail")) return ArcChainStatus::fail;
  return std::nullopt;
}

TagResult<SignatureAlgorithm> parse_algorithm(const Tag& a) {
  if (iequals(a.value, "rsa-sha256")) return SignatureAlgorithm::rsa_sha256;
  if (iequals(a.value, "ed25519-sha256")) return SignatureAlgorithm::ed25519_sha256;
  if (iequals(a.value, "rsa-sha1")) return SignatureAlgorithm::rsa_sha1;
  return tag_error(Code::unsupported, a.value_begin, "a=" + std::string(a.value));
}

TagResult<ArcSeal> fill(const TagList& tags, const DkimLimits& limits) {
  ArcSeal seal;
  auto inst = parse_instance(*tags.find("i"), limits);
  if (!inst) return tl::unexpected(inst.error());
  seal.instance = *inst;
  const Tag& a = *tags.find("a");
  auto alg = parse_algorithm(a);
  if (!alg) return tl::unexpected(alg.error());
  seal.algorithm = *alg;
  seal.algorithm_name = std::string(a.value);
  const Tag& b = *tags.find("b");
  auto sig = base64_decode(b.value);
  if (!sig || sig->empty()) return tag_error(Code::invalid_tag, b.value_begin, "b=");
  seal.signature = std::move(*sig);
  seal.b_begin = b.value_begin;
  seal.b_end = b.value_end;
  const Tag& d = *tags.find("d");
  const Tag& s = *tags.find("s");
  if (!is_domain_name(d.value)) return tag_error(Code::invalid_tag, d.value_begin, "d=");
  if (!is_domain_name(s.value)) return tag_error(Code::invalid_tag, s.value_begin, "s=");
  seal.domain = std::string(d.value);
  seal.selector = std::string(s.value);
  const Tag& cv = *tags.find("cv");
  auto status = parse_cv(cv.value);
  if (!status) return tag_error(Code::invalid_tag, cv.value_begin, "cv=");
  seal.cv = *status;
  return seal;
}

TagResult<std::uint64_t> parse_timestamp(const Tag& t) {
  std::uint64_t v = 0;
  auto s = t.value;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || s[0] == '+' || ec != std::errc() || p != s.data() + s.size()) {
    return tag_error(Code::invalid_tag, t.value_begin, "t=");
  }
  return v;
}

}  // namespace

std::string_view to_string(ArcChainStatus s) noexcept {
  switch (s) {
    case ArcChainStatus::none:
      return "none";
    case ArcChainStatus::pass:
      return "pass";
    case ArcChainStatus::fail:
      return "fail";
  }
  return "fail";
}

TagResult<ArcSeal> parse_arc_seal(std::string_view value, const DkimLimits& limits) {
  auto tags = parse_tag_list(value, limits.tags);
  if (!tags) return tl::unexpected(tags.error());
  for (std::string_view name : {"i", "a", "b", "d", "s", "cv"}) {
    if (tags->find(name) == nullptr) return tag_error(Code::missing_tag, 0, std::string(name));
  }
  // §4.1.3: the seal covers the ARC sets, never other fields.
  if (const Tag* h = tags->find("h"); h != nullptr) {
    return tag_error(Code::invalid_tag, h->name_offset, "h= is not allowed in ARC-Seal");
  }
  auto seal = fill(*tags, limits);
  if (!seal) return seal;
  if (const Tag* t = tags->find("t"); t != nullptr) {
    auto ts = parse_timestamp(*t);
    if (!ts) return tl::unexpected(ts.error());
    seal->timestamp = *ts;
  }
  return seal;
}

std::optional<unsigned> parse_aar_instance(std::string_view v, const DkimLimits& limits) {
  std::size_t i = 0;
  auto skip = [&] {
    while (i < v.size() && is_fws(v[i])) ++i;
  };
  skip();
  if (i >= v.size() || v[i] != 'i') return std::nullopt;
  ++i;
  skip();
  if (i >= v.size() || v[i] != '=') return std::nullopt;
  ++i;
  skip();
  std::size_t start = i;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  unsigned n = 0;
  auto [p, ec] = std::from_chars(v.data() + start, v.data() + i, n);
  if (i == start || ec != std::errc() || n < 1 || n > limits.max_arc_sets) return std::nullopt;
  skip();
  if (i >= v.size() || v[i] != ';') return std::nullopt;
  return n;
}

}  // namespace mailroom::auth
