// The RSA numbers in a DKIM p= value, read from DER by a few bounds-checked
// lines instead of OpenSSL's generic decoders, whose first use in a process
// costs more than the signature check (see dkim_crypto.cpp).
#pragma once

#include <optional>
#include <string_view>

namespace mailroom::auth {

// Unsigned big-endian magnitudes without leading zero octets; views into
// the DER input, so valid as long as it is.
struct RsaPublicNumbers {
  std::string_view modulus;   // n
  std::string_view exponent;  // e
};

// p= for k=rsa (RFC 6376 §3.6.1): a SubjectPublicKeyInfo (RFC 5280
// §4.1.2.7) with the algorithm rsaEncryption and NULL parameters (RFC 3279
// §2.3.1), or a bare RSAPublicKey (RFC 8017 §A.1.1). Strict DER only
// (X.690 §10: definite, minimal lengths; minimal positive INTEGERs; nothing
// after the key); nullopt for anything else, which the caller may still
// hand to OpenSSL's more lenient decoders.
[[nodiscard]] std::optional<RsaPublicNumbers> parse_rsa_public_key(std::string_view der);

}  // namespace mailroom::auth
