// What DkimVerifier and the ARC validator share: key lookup (with a cache of
// parsed keys) and the header hash input of RFC 6376 §3.7.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dkim_crypto.hpp"
#include "mailroom/auth/dkim_verify.hpp"

namespace mailroom::auth {

struct KeyLookup {
  DkimStatus status = DkimStatus::pass;  // pass: `keys` holds at least one key
  std::string reason;
  std::vector<PublicKey> keys;
  bool testing = false;   // some record said t=y
  int rejected_bits = 0;  // size of a key refused as too small, for the reason
};

struct DkimVerifier::Impl {
  KeyFetcher fetcher;
  DkimOptions options;
  struct CachedKey {
    KeyType type;
    std::string der;
    PublicKey key;
  };
  std::vector<CachedKey> key_cache;
  std::size_t key_cache_next = 0;

  [[nodiscard]] std::int64_t now() const;
  // §6.1.2: the key records at <selector>._domainkey.<domain> usable for `alg`.
  // `identity` (i=) is checked against t=s when not empty.
  KeyLookup lookup_keys(std::string_view domain, std::string_view selector, SignatureAlgorithm alg,
                        std::string_view identity);
  // True when any key in `keys` verifies; records the size of the key used.
  bool verify_any(const KeyLookup& keys, SignatureAlgorithm alg, std::string_view data,
                  std::string_view signature, int& bits) const;
  Result<PublicKey> load_key(KeyType type, const std::string& der);
};

// §3.7: the canonical signed header fields named by h= (bottom-up), then
// the signature field itself with b= emptied and no final CRLF.
std::string header_hash_input(std::span<const message::HeaderField> headers,
                              const DkimSignature& sig, std::size_t field_index);

// The signature field itself, canonicalised with the b= value removed.
void append_without_b(const message::HeaderField& field, Canonicalization c, std::size_t b_begin,
                      std::size_t b_end, std::string& out);

}  // namespace mailroom::auth
