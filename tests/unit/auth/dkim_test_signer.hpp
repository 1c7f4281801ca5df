// A small DKIM signer for tests and benchmarks (never used in production):
// keys made with OpenSSL, signatures built with the verifier's own
// canonicalisation, so that tests can cover key flags, clocks and limits.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "auth/dkim_verifier_impl.hpp"
#include "dkim_test_util.hpp"

namespace mailroom::auth::test {

inline std::string b64(const unsigned char* p, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

struct TestKey {
  std::shared_ptr<EVP_PKEY> pkey;
  bool ed25519 = false;

  static TestKey make(bool ed, std::size_t bits = 1024) {
    EVP_PKEY* p = ed ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                     : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits);
    return TestKey{std::shared_ptr<EVP_PKEY>(p, EVP_PKEY_free), ed};
  }
  // The p= value: raw key for Ed25519 (RFC 8463), SubjectPublicKeyInfo for RSA.
  [[nodiscard]] std::string p() const {
    if (ed25519) {
      unsigned char raw[32];
      std::size_t n = sizeof raw;
      EVP_PKEY_get_raw_public_key(pkey.get(), raw, &n);
      return b64(raw, n);
    }
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(pkey.get(), &der);
    std::string out = b64(der, static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
  }
  [[nodiscard]] std::string record(const std::string& extra = "") const {
    return std::string("v=DKIM1; k=") + (ed25519 ? "ed25519" : "rsa") + "; " + extra + "p=" + p();
  }
  [[nodiscard]] std::string sign(std::string_view data) const {
    auto ctx =
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    Digest d = sha256(data);
    std::string_view input =
        ed25519 ? std::string_view(reinterpret_cast<const char*>(d.data()), d.size()) : data;
    EVP_DigestSignInit(ctx.get(), nullptr, ed25519 ? nullptr : EVP_sha256(), nullptr, pkey.get());
    std::size_t n = 0;
    EVP_DigestSign(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(n, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(n);
    return b64(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
  }
};

// Prepends a DKIM-Signature with `tags` (everything but bh= and b=) to `msg`.
inline std::string sign(const std::string& msg, const TestKey& key, const std::string& tags) {
  auto draft = [&](const std::string& bh, const std::string& b) {
    return "DKIM-Signature: " + tags + ";\r\n bh=" + bh + "; b=" + b + "\r\n" + msg;
  };
  auto first = parse_message(draft("AAAA", "AAAA"));
  auto sig = parse_dkim_signature(first.headers()[0].value);
  if (!sig) return {};
  SignedMessage sm(first);
  const auto& bh = sm.body_hash(sig->body_canon, sig->length);
  std::string bh64 = b64(bh.digest.data(), bh.digest.size());
  auto second = parse_message(draft(bh64, "AAAA"));
  auto sig2 = parse_dkim_signature(second.headers()[0].value);
  std::string data = header_hash_input(second.headers(), *sig2, 0);
  return draft(bh64, key.sign(data));
}

}  // namespace mailroom::auth::test
