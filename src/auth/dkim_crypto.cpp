#include "dkim_crypto.hpp"

#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace mailroom::auth {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// Fetched once: an implicit fetch per EVP_DigestInit costs a lock and a
// lookup in OpenSSL 3 (measurable at tens of thousands of checks a second).
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* p) { return {p, EVP_PKEY_free}; }

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());  // NOLINT: OpenSSL takes bytes
}

// OpenSSL 3's generic decoder (d2i_PUBKEY) costs about 200 us per RSA key,
// more than the signature check itself; for one `mailroom deliver` per
// message that is the price of every signature. The RSA-specific decoders
// (deprecated in 3.0, still shipped) take about 1 us, so they go first;
// d2i_PUBKEY stays as the fallback for builds without them.
EVP_PKEY* load_rsa_fast(std::string_view der) {
#ifndef OPENSSL_NO_DEPRECATED_3_0
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  const unsigned char* p = bytes(der);
  RSA* rsa = d2i_RSA_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (rsa == nullptr) {
    p = bytes(der);
    rsa = d2i_RSAPublicKey(nullptr, &p, static_cast<long>(der.size()));  // bare PKCS#1
  }
  if (rsa == nullptr) return nullptr;
  EVP_PKEY* pkey = EVP_PKEY_new();
  if (pkey == nullptr || EVP_PKEY_assign_RSA(pkey, rsa) != 1) {
    RSA_free(rsa);
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  return pkey;
#pragma GCC diagnostic pop
#else
  (void)der;
  return nullptr;
#endif
}

EVP_PKEY* load_rsa(std::string_view der) {
  if (EVP_PKEY* fast = load_rsa_fast(der)) return fast;
  const unsigned char* p = bytes(der);
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr) {
    p = bytes(der);
    pkey = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
  }
  return pkey;
}

EVP_PKEY* load_ed25519(std::string_view der) {
  if (der.size() == 32) {
    return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(der), der.size());
  }
  const unsigned char* p = bytes(der);
  return d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
}

}  // namespace

Result<PublicKey> load_public_key(KeyType type, std::string_view der) {
  EVP_PKEY* raw = type == KeyType::rsa ? load_rsa(der) : load_ed25519(der);
  if (raw == nullptr) return fail(ErrorKind::parse, "p= is not a valid public key");
  PublicKey key{own(raw), type, EVP_PKEY_get_bits(raw)};
  int want = type == KeyType::rsa ? EVP_PKEY_RSA : EVP_PKEY_ED25519;
  if (EVP_PKEY_get_base_id(raw) != want) {
    return fail(ErrorKind::parse, "p= holds a key of another type than k=");
  }
  return key;
}

bool verify_signature(const PublicKey& key, SignatureAlgorithm alg, std::string_view data,
                      std::string_view signature) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  int rc = 0;
  if (alg == SignatureAlgorithm::ed25519_sha256) {
    Digest d = sha256(data);
    rc = EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.pkey.get());
    if (rc == 1) {
      rc = EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), d.data(), d.size());
    }
  } else if (alg == SignatureAlgorithm::rsa_sha256) {
    rc = EVP_DigestVerifyInit(ctx.get(), nullptr, sha256_md(), nullptr, key.pkey.get());
    if (rc == 1) {
      rc =
          EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(data), data.size());
    }
  }
  return rc == 1;
}

Sha256Sink::Sha256Sink(std::optional<std::uint64_t> limit) : ctx_(EVP_MD_CTX_new()), left_(limit) {
  EVP_DigestInit_ex(ctx_, sha256_md(), nullptr);
}

Sha256Sink::~Sha256Sink() { EVP_MD_CTX_free(ctx_); }

void Sha256Sink::write(std::string_view b) {
  if (left_) {
    if (*left_ < b.size()) b = b.substr(0, *left_);
    *left_ -= b.size();
  }
  if (!b.empty()) EVP_DigestUpdate(ctx_, b.data(), b.size());
}

Digest Sha256Sink::finish() {
  Digest d{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_, d.data(), &n);
  return d;
}

Digest sha256(std::string_view data) {
  Digest d{};
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &n, sha256_md(), nullptr);
  return d;
}

}  // namespace mailroom::auth
