#include "dkim_crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <array>
#include <bit>
#include <cstdint>
#include <string>

#include "dkim_crypto_der.hpp"

namespace mailroom::auth {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// `mailroom deliver` runs once per message, so OpenSSL's one-time set-up is
// paid again for every signed message (bench/dkim_first_use.cpp measures
// it). Of the 8.6 million instructions that an RSA-2048 and an Ed25519
// check cost in a fresh process (OpenSSL 3.0, linked statically), these
// options skip:
// - NO_LOAD_CONFIG (0.8 M): reading and parsing the system openssl.cnf,
//   which configures providers, engines and TLS defaults. DKIM needs only
//   the built-in default provider, whatever the host's configuration says.
// - NO_LOAD_CRYPTO_STRINGS (1.1 M): the error texts, loaded into a hash
//   table on the first use of the error queue. mailroom never prints
//   OpenSSL's error text; its reasons name the RFC rule instead.
// - NO_ADD_ALL_CIPHERS, NO_ADD_ALL_DIGESTS (3.2 M): the legacy name tables,
//   which the first fetch would copy into the provider name map. Every
//   algorithm here is fetched by a name the default provider declares
//   itself (SHA256, RSA, ED25519).
// - NO_ATEXIT (0.2 M): OPENSSL_cleanup at exit only frees memory.
// These are choices for the whole process and the first caller decides: a
// process that wants the configuration or the legacy tables (TLS, say) must
// call OPENSSL_init_ssl or OPENSSL_init_crypto before its first DKIM check.
constexpr std::uint64_t kInitOptions =
    OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
    OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS | OPENSSL_INIT_NO_ATEXIT;

void init_openssl() {
  static const bool done = OPENSSL_init_crypto(kInitOptions, nullptr) == 1;
  (void)done;  // a failure shows as failed fetches, hence failed checks
}

// Fetched once: an implicit fetch per EVP_DigestInit costs a lock and a
// lookup in OpenSSL 3 (measurable at tens of thousands of checks a second).
// Every path into OpenSSL starts here or in load_public_key.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = [] {
    init_openssl();
    return EVP_MD_fetch(nullptr, "SHA256", nullptr);
  }();
  return md;
}

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* p) { return {p, EVP_PKEY_free}; }

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());  // NOLINT: OpenSSL takes bytes
}

unsigned char* bytes_mut(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());  // NOLINT: OpenSSL takes bytes
}

// OSSL_PARAM carries a big number as an unsigned integer in the host's
// byte order (OSSL_PARAM(3), OSSL_PARAM_UNSIGNED_INTEGER); DER's is big-endian.
std::string host_order(std::string_view big_endian) {
  if constexpr (std::endian::native == std::endian::big) return std::string(big_endian);
  return {big_endian.rbegin(), big_endian.rend()};
}

// The key straight from (n, e) through the RSA key manager. In a fresh
// process d2i_PUBKEY (OSSL_DECODER, the decoder OpenSSL 3 supports) costs
// 2 million instructions more than this, five times the RSA check itself.
// The deprecated d2i_RSA_PUBKEY, and RSA_set0_key with EVP_PKEY_assign, cost
// the same as this (within 0.3%: their legacy key is copied into the
// provider at the first check anyway); reading the DER ourselves keeps the
// common path that fast without the deprecated API.
EVP_PKEY* rsa_from_numbers(const RsaPublicNumbers& numbers) {
  std::string n = host_order(numbers.modulus);
  std::string e = host_order(numbers.exponent);
  std::array params{
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_N, bytes_mut(n), n.size()),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_E, bytes_mut(e), e.size()),
      OSSL_PARAM_construct_end(),
  };
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.data()) != 1) {
    return nullptr;
  }
  return pkey;
}

// What the strict parser refuses (BER, bytes after the key, parameters
// other than NULL, negative numbers) goes to OpenSSL's own decoders, so
// that the keys accepted stay exactly those OpenSSL accepts. The RSA-specific
// ones (deprecated in 3.0, still shipped) go first, being the cheaper;
// d2i_PUBKEY stays for builds without them.
EVP_PKEY* load_rsa_lenient(std::string_view der) {
#ifndef OPENSSL_NO_DEPRECATED_3_0
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  const unsigned char* p = bytes(der);
  RSA* rsa = d2i_RSA_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (rsa == nullptr) {
    p = bytes(der);
    rsa = d2i_RSAPublicKey(nullptr, &p, static_cast<long>(der.size()));  // bare PKCS#1
  }
  if (rsa != nullptr) {
    EVP_PKEY* pkey = EVP_PKEY_new();
    if (pkey == nullptr || EVP_PKEY_assign_RSA(pkey, rsa) != 1) {
      RSA_free(rsa);
      EVP_PKEY_free(pkey);
      return nullptr;
    }
    return pkey;
  }
#pragma GCC diagnostic pop
#endif
  const unsigned char* q = bytes(der);
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &q, static_cast<long>(der.size()));
  if (pkey == nullptr) {
    q = bytes(der);
    pkey = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &q, static_cast<long>(der.size()));
  }
  return pkey;
}

EVP_PKEY* load_rsa(std::string_view der) {
  if (auto numbers = parse_rsa_public_key(der)) return rsa_from_numbers(*numbers);
  return load_rsa_lenient(der);
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
  init_openssl();
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

// The body hash and Ed25519's prehash run on OpenSSL's low-level SHA-256
// (deprecated in 3.0, still built), not on an EVP digest: the first
// EVP_MD_fetch in a process builds the provider's method and name tables,
// 0.7 M instructions, 39% of a whole delivery with the bench's 20-rule
// script (callgrind), spent even when no key arrives and no signature is
// ever checked. The low-level functions are the same assembly the provider
// calls; init_openssl() first, so they take the CPU's fast paths.
#ifndef OPENSSL_NO_DEPRECATED_3_0
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
struct Sha256Sink::State {
  SHA256_CTX ctx{};
  State() {
    init_openssl();
    SHA256_Init(&ctx);
  }
  void update(std::string_view b) { SHA256_Update(&ctx, b.data(), b.size()); }
  void finish(Digest& d) { SHA256_Final(d.data(), &ctx); }
};
#pragma GCC diagnostic pop
#else
struct Sha256Sink::State {
  MdCtx ctx{EVP_MD_CTX_new()};
  State() { EVP_DigestInit_ex(ctx.get(), sha256_md(), nullptr); }
  void update(std::string_view b) { EVP_DigestUpdate(ctx.get(), b.data(), b.size()); }
  void finish(Digest& d) {
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx.get(), d.data(), &n);
  }
};
#endif

Sha256Sink::Sha256Sink(std::optional<std::uint64_t> limit)
    : state_(std::make_unique<State>()), left_(limit) {}

Sha256Sink::~Sha256Sink() = default;

void Sha256Sink::write(std::string_view b) {
  if (left_) {
    if (*left_ < b.size()) b = b.substr(0, *left_);
    *left_ -= b.size();
  }
  if (!b.empty()) state_->update(b);
}

Digest Sha256Sink::finish() {
  Digest d{};
  state_->finish(d);
  return d;
}

Digest sha256(std::string_view data) {
  Sha256Sink sink;
  sink.write(data);
  return sink.finish();
}

void prepare_crypto() { (void)sha256_md(); }

}  // namespace mailroom::auth
