// ARC (RFC 8617): parsing ARC-Seal fields and validating the chain of ARC
// sets on a message. The sealers' domains are exposed so that a later rule
// can trust the authentication results of a known forwarder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/dkim_signature.hpp"
#include "mailroom/auth/dkim_verify.hpp"

namespace mailroom::message {
class Message;
}

namespace mailroom::auth {

// RFC 8617 §4.4 chain validation status (cv=).
enum class ArcChainStatus : std::uint8_t { none, pass, fail };

std::string_view to_string(ArcChainStatus s) noexcept;

// RFC 8617 §4.1.3 ARC-Seal tags.
struct ArcSeal {
  unsigned instance = 0;  // i=, 1..50
  SignatureAlgorithm algorithm = SignatureAlgorithm::rsa_sha256;
  std::string algorithm_name;  // a= as written
  std::string signature;       // b=, decoded
  std::string domain;          // d=
  std::string selector;        // s=
  ArcChainStatus cv = ArcChainStatus::none;
  std::optional<std::uint64_t> timestamp;  // t=
  std::size_t b_begin = 0;                 // the b= value span, as in DkimSignature
  std::size_t b_end = 0;
};

TagResult<ArcSeal> parse_arc_seal(std::string_view value, const DkimLimits& limits = {});

// The "i=N;" that starts an ARC-Authentication-Results value (§4.1.1);
// nullopt when it is missing or malformed.
std::optional<unsigned> parse_aar_instance(std::string_view value, const DkimLimits& limits = {});

struct ArcSealer {
  unsigned instance = 0;
  std::string domain;    // d= of the ARC-Seal: who vouches for the results of this hop
  std::string selector;  // s=
  ArcChainStatus cv = ArcChainStatus::none;  // what this sealer saw
  std::string authserv_id;                   // from its ARC-Authentication-Results, if readable
  // Its ARC-Authentication-Results after "i=N;", unfolded: what this hop
  // found (spf=, dkim=, dmarc=), for a rule that trusts this sealer.
  std::string authentication_results;
};

struct ArcResult {
  ArcChainStatus status = ArcChainStatus::none;
  unsigned instances = 0;  // N, the newest instance
  // §5.2 step 6: lowest instance from which every ARC-Message-Signature up
  // to N still verifies; 0 when all of them do.
  unsigned oldest_pass = 0;
  std::vector<ArcSealer> sealers;  // by instance, 1 first; empty unless the sets are well-formed
  std::string reason;              // in words
  bool temporary = false;  // a key lookup failed temporarily: a retry may give another result

  // True when the chain passed and `domain` sealed one of its sets.
  [[nodiscard]] bool sealed_by(std::string_view domain) const noexcept;
};

// Validates the ARC chain of `message` (RFC 8617 §5.2), reusing the
// verifier's key fetcher, options and key cache. Never throws.
ArcResult validate_arc(DkimVerifier& verifier, SignedMessage& message);
ArcResult validate_arc(DkimVerifier& verifier, const message::Message& message);

}  // namespace mailroom::auth
