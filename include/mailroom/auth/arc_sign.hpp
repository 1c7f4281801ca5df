// ARC sealing (RFC 8617 §5.1): a forwarder that changes nothing of the
// message but the envelope adds one ARC set on top (ARC-Authentication-
// Results with what it found, ARC-Message-Signature over the message,
// ARC-Seal over the chain), so that the next hop can trust those results
// when SPF (and DMARC with it) breaks on the forwarded copy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/arc.hpp"
#include "mailroom/auth/dkim_key.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/util/result.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace mailroom::auth {

// A private key for rsa-sha256 or ed25519-sha256 (RFC 8463).
class SigningKey {
 public:
  // PEM: "RSA PRIVATE KEY" (PKCS#1) or "PRIVATE KEY" (PKCS#8, RSA or
  // Ed25519). ErrorKind::config when it is neither; RSA under 1024 bits is
  // refused (RFC 8301 §3.2: verifiers refuse it).
  [[nodiscard]] static Result<SigningKey> from_pem(std::string_view pem);

  [[nodiscard]] KeyType type() const noexcept { return type_; }
  [[nodiscard]] std::string_view algorithm() const noexcept;  // "rsa-sha256", "ed25519-sha256"
  // The signature of `data` as base64 (for ed25519-sha256 over SHA-256(data),
  // RFC 8463 §3); ErrorKind::internal if OpenSSL fails.
  [[nodiscard]] Result<std::string> sign(std::string_view data) const;

 private:
  std::shared_ptr<evp_pkey_st> pkey_;
  KeyType type_ = KeyType::rsa;
};

struct ArcSealOptions {
  std::string domain;    // d=
  std::string selector;  // s=
  // h= of the ARC-Message-Signature: each name present in the message is
  // signed as often as it occurs; absent ones are left out.
  std::vector<std::string> headers = {"from",          "to",           "cc",
                                      "subject",       "date",         "message-id",
                                      "reply-to",      "in-reply-to",  "references",
                                      "mime-version",  "content-type", "content-transfer-encoding",
                                      "dkim-signature"};
  std::int64_t timestamp = 0;  // t=; 0: now
};

// The three fields of a new ARC set, each "Name: value" folded with "\n "
// and ending in "\n", top to bottom as they go on the message.
struct ArcSetFields {
  unsigned instance = 0;
  ArcChainStatus cv = ArcChainStatus::none;
  std::string seal;                    // ARC-Seal
  std::string message_signature;       // ARC-Message-Signature
  std::string authentication_results;  // ARC-Authentication-Results
  [[nodiscard]] std::string text() const {
    return seal + message_signature + authentication_results;
  }
};

// Seals the message (`headers`, `body`) for its next hop. `results` is our
// Authentication-Results value ("authserv-id; spf=pass ..."), `chain` what
// validating its ARC chain gave (cv=: none without sets, pass, fail).
// nullopt when RFC 8617 says not to seal: the newest set already says
// cv=fail (§5.1.2), or there are 50 sets (§4.2.1).
[[nodiscard]] Result<std::optional<ArcSetFields>> arc_seal(
    std::span<const message::HeaderField> headers, std::string_view body, const SigningKey& key,
    const ArcSealOptions& options, std::string_view results, ArcChainStatus chain);

}  // namespace mailroom::auth
