// The OpenSSL edge of DKIM and ARC: public keys from p=, SHA-256, and
// signature checks through the EVP API (RFC 6376 §3.3, RFC 8463 §3).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include <openssl/evp.h>

#include "canon.hpp"
#include "mailroom/auth/dkim_key.hpp"
#include "mailroom/auth/dkim_signature.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::auth {

using Digest = std::array<unsigned char, 32>;

struct PublicKey {
  std::shared_ptr<EVP_PKEY> pkey;
  KeyType type = KeyType::rsa;
  int bits = 0;
};

// p= bytes: RSA as SubjectPublicKeyInfo (RFC 6376 §3.6.1; a bare PKCS#1
// RSAPublicKey is accepted too, as some publish it), Ed25519 as the raw
// 32-byte key (RFC 8463 §4).
Result<PublicKey> load_public_key(KeyType type, std::string_view der);

// Checks `signature` over the canonical header data `data`. For
// ed25519-sha256 the signed message is SHA-256(data) (RFC 8463 §3).
bool verify_signature(const PublicKey& key, SignatureAlgorithm alg, std::string_view data,
                      std::string_view signature);

// SHA-256 of the first `limit` bytes written (all when no limit). Hashing
// needs no key and no provider: it runs on OpenSSL's low-level SHA-256
// (dkim_crypto.cpp says why).
class Sha256Sink final : public canon::ByteSink {
 public:
  explicit Sha256Sink(std::optional<std::uint64_t> limit = std::nullopt);
  ~Sha256Sink() override;
  Sha256Sink(const Sha256Sink&) = delete;
  Sha256Sink& operator=(const Sha256Sink&) = delete;
  void write(std::string_view bytes) override;
  Digest finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::optional<std::uint64_t> left_;
};

Digest sha256(std::string_view data);

// OpenSSL's one-time set-up in this process (its initialisation and the
// first algorithm fetch, which builds the provider's tables): a fresh
// `deliver` calls it while its DNS questions are in flight, so that the
// first verification does not pay for it after the answers arrive.
void prepare_crypto();

}  // namespace mailroom::auth
