#include "mailroom/auth/dkim_key.hpp"

#include "dkim_base64.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

using Code = TagErrorCode;

// Colon-separated lists (h=, s=, t=): items trimmed, empty items dropped.
std::vector<std::string> split_colons(std::string_view value) {
  std::vector<std::string> out;
  while (true) {
    auto colon = value.find(':');
    auto item = trim_space(value.substr(0, colon));
    if (!item.empty()) out.emplace_back(item);
    if (colon == std::string_view::npos) break;
    value.remove_prefix(colon + 1);
  }
  return out;
}

TagResult<DkimKeyRecord> fill(const TagList& tags) {
  DkimKeyRecord key;
  key.service_types = {"*"};
  if (const Tag* k = tags.find("k"); k != nullptr) {
    if (iequals(k->value, "rsa")) {
      key.key_type = KeyType::rsa;
    } else if (iequals(k->value, "ed25519")) {
      key.key_type = KeyType::ed25519;
    } else {
      return tag_error(Code::unsupported, k->value_begin, "k=" + std::string(k->value));
    }
  }
  if (const Tag* h = tags.find("h"); h != nullptr) key.hash_algorithms = split_colons(h->value);
  if (const Tag* s = tags.find("s"); s != nullptr) key.service_types = split_colons(s->value);
  if (const Tag* t = tags.find("t"); t != nullptr) {
    for (const auto& flag : split_colons(t->value)) {
      key.testing = key.testing || flag == "y";
      key.strict = key.strict || flag == "s";
    }
  }
  if (const Tag* n = tags.find("n"); n != nullptr) key.notes = std::string(n->value);
  const Tag* p = tags.find("p");
  if (p == nullptr) return tag_error(Code::missing_tag, 0, "p");
  auto decoded = base64_decode(p->value);
  if (!decoded) return tag_error(Code::invalid_tag, p->value_begin, "p=");
  key.public_key = std::move(*decoded);
  return key;
}

}  // namespace

std::string_view to_string(KeyType k) noexcept { return k == KeyType::rsa ? "rsa" : "ed25519"; }

bool DkimKeyRecord::allows_hash(std::string_view hash) const {
  if (hash_algorithms.empty()) return true;
  for (const auto& h : hash_algorithms) {
    if (iequals(h, hash)) return true;
  }
  return false;
}

bool DkimKeyRecord::allows_email() const {
  for (const auto& s : service_types) {
    if (s == "*" || iequals(s, "email")) return true;
  }
  return false;
}

bool DkimKeyRecord::fits(SignatureAlgorithm alg) const {
  return (key_type == KeyType::ed25519) == (alg == SignatureAlgorithm::ed25519_sha256);
}

TagResult<DkimKeyRecord> parse_dkim_key(std::string_view record, const DkimLimits& limits) {
  auto tags = parse_tag_list(record, limits.tags);
  if (!tags) return tl::unexpected(tags.error());
  // §3.6.1 v=: optional, but when present it MUST be the first tag and "DKIM1".
  if (const Tag* v = tags->find("v"); v != nullptr) {
    if (&tags->tags.front() != v)
      return tag_error(Code::invalid_tag, v->name_offset, "v= not first");
    if (v->value != "DKIM1") {
      return tag_error(Code::unsupported, v->value_begin, "v=" + std::string(v->value));
    }
  }
  return fill(*tags);
}

}  // namespace mailroom::auth
