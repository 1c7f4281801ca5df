// Key lookup for DKIM and ARC (RFC 6376 §6.1.2, RFC 8301 §3.2).
#include <ctime>

#include "dkim_verifier_impl.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

constexpr std::size_t kKeyCacheSize = 64;

std::string_view identity_domain(std::string_view identity) {
  auto at = identity.rfind('@');
  return at == std::string_view::npos ? identity : identity.substr(at + 1);
}

// Why one record cannot serve `alg`, or "" when it can.
std::string unusable(const DkimKeyRecord& key, SignatureAlgorithm alg, std::string_view domain,
                     std::string_view identity) {
  if (key.public_key.empty()) return "the key was revoked (empty p=)";
  if (!key.allows_hash("sha256")) return "the key record's h= does not allow sha256";
  if (!key.allows_email()) return "the key record's s= does not include email";
  if (!key.fits(alg)) {
    return "the key is k=" + std::string(to_string(key.key_type)) +
           " but the signature a=" + std::string(to_string(alg));
  }
  // §3.6.1 t=s: the i= domain must be d= itself, not a subdomain.
  if (key.strict && !identity.empty() && !iequals(identity_domain(identity), domain)) {
    return "the key has t=s but i= is in a subdomain of d=";
  }
  return {};
}

}  // namespace

std::int64_t DkimVerifier::Impl::now() const {
  return options.clock ? options.clock() : static_cast<std::int64_t>(std::time(nullptr));
}

Result<PublicKey> DkimVerifier::Impl::load_key(KeyType type, const std::string& der) {
  for (const auto& c : key_cache) {
    if (c.type == type && c.der == der) return c.key;
  }
  auto key = load_public_key(type, der);
  if (!key) return key;
  CachedKey entry{type, der, *key};
  if (key_cache.size() < kKeyCacheSize) {
    key_cache.push_back(std::move(entry));
  } else {
    key_cache[key_cache_next] = std::move(entry);
    key_cache_next = (key_cache_next + 1) % kKeyCacheSize;
  }
  return key;
}

KeyLookup DkimVerifier::Impl::lookup_keys(std::string_view domain, std::string_view selector,
                                          SignatureAlgorithm alg, std::string_view identity) {
  KeyLookup out;
  std::string name = std::string(selector) + "._domainkey." + std::string(domain);
  Result<std::vector<std::string>> txt =
      fetcher ? fetcher(name) : Result<std::vector<std::string>>(fail(ErrorKind::config, "no DNS"));
  if (!txt) {
    out.status =
        txt.error().kind == ErrorKind::temporary ? DkimStatus::temperror : DkimStatus::permerror;
    out.reason = "key lookup at " + name + " failed: " + txt.error().message;
    return out;
  }
  out.reason = "no key record at " + name;
  std::size_t tried = 0;
  for (const auto& record : *txt) {
    if (++tried > options.limits.max_key_records) break;
    auto key = parse_dkim_key(record, options.limits);
    if (!key) {
      out.reason = "the key record at " + name + " is invalid: " + key.error().describe();
      continue;
    }
    if (auto why = unusable(*key, alg, domain, identity); !why.empty()) {
      out.reason = std::move(why.append(" (").append(name).append(")"));
      continue;
    }
    auto pk = load_key(key->key_type, key->public_key);
    if (!pk) {
      out.reason = pk.error().message;
      out.reason.append(" (").append(name).append(")");
      continue;
    }
    if (pk->type == KeyType::rsa && pk->bits < options.min_rsa_bits) {
      out.rejected_bits = pk->bits;
      out.reason = "the RSA key at " + name + " has " + std::to_string(pk->bits) +
                   " bits, below the minimum of " + std::to_string(options.min_rsa_bits) +
                   " (RFC 8301 §3.2)";
      continue;
    }
    out.testing = out.testing || key->testing;
    out.keys.push_back(std::move(*pk));
  }
  out.status = out.keys.empty() ? DkimStatus::permerror : DkimStatus::pass;
  if (!out.keys.empty()) out.reason.clear();
  return out;
}

bool DkimVerifier::Impl::verify_any(const KeyLookup& keys, SignatureAlgorithm alg,
                                    std::string_view data, std::string_view signature,
                                    int& bits) const {
  for (const auto& key : keys.keys) {
    bits = key.bits;
    if (verify_signature(key, alg, data, signature)) return true;
  }
  return false;
}

}  // namespace mailroom::auth
