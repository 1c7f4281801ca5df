// The private half of DKIM/ARC crypto: PEM keys in, base64 signatures out
// through OpenSSL's EVP API (RFC 6376 §3.3, RFC 8463 §3), the mirror of
// dkim_crypto.cpp's verification.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "dkim_crypto.hpp"
#include "mailroom/auth/arc_sign.hpp"

namespace mailroom::auth {
namespace {

constexpr int kMinRsaBits = 1024;  // RFC 8301 §3.2: verifiers refuse smaller keys

std::string base64(const unsigned char* bytes, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

}  // namespace

Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return fail(ErrorKind::internal, "out of memory reading the signing key");
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr)
    return fail(ErrorKind::config, "not a PEM private key (RSA or Ed25519, unencrypted)");
  SigningKey key;
  key.pkey_ = std::shared_ptr<evp_pkey_st>(raw, EVP_PKEY_free);
  switch (EVP_PKEY_get_base_id(raw)) {
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(raw) < kMinRsaBits)
        return fail(ErrorKind::config, "RSA signing key of " +
                                           std::to_string(EVP_PKEY_get_bits(raw)) +
                                           " bits: verifiers refuse under 1024 (RFC 8301)");
      key.type_ = KeyType::rsa;
      return key;
    case EVP_PKEY_ED25519:
      key.type_ = KeyType::ed25519;
      return key;
    default:
      return fail(ErrorKind::config, "signing key is neither RSA nor Ed25519");
  }
}

std::string_view SigningKey::algorithm() const noexcept {
  return type_ == KeyType::ed25519 ? "ed25519-sha256" : "rsa-sha256";
}

Result<std::string> SigningKey::sign(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  // RFC 8463 §3: Ed25519 signs the SHA-256 of the data (PureEdDSA over
  // the hash), RSA the data with SHA-256 inside PKCS#1 v1.5.
  Digest digest{};
  std::string_view input = data;
  if (type_ == KeyType::ed25519) {
    digest = sha256(data);
    input = std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size());
  }
  const EVP_MD* md = type_ == KeyType::ed25519 ? nullptr : EVP_sha256();
  std::size_t length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes, input.size()) != 1)
    return fail(ErrorKind::internal, "signing failed (OpenSSL)");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes,
                     input.size()) != 1)
    return fail(ErrorKind::internal, "signing failed (OpenSSL)");
  return base64(reinterpret_cast<const unsigned char*>(signature.data()), length);
}

}  // namespace mailroom::auth
