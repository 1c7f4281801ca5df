// DKIM verification (RFC 6376 §6, RFC 8463, RFC 8301) of every signature on
// a message. Keys come through a KeyFetcher, so that the pipeline can adapt
// its DNS resolver and tests can serve keys from a map.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/dkim_signature.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::message {
class Message;
}

namespace mailroom::auth {

// RFC 8601 §2.7.1 result values for one signature.
enum class DkimStatus : std::uint8_t { pass, fail, neutral, policy, temperror, permerror };

std::string_view to_string(DkimStatus s) noexcept;

struct DkimResult {
  DkimStatus status = DkimStatus::permerror;
  std::string domain;                       // d= (header.d)
  std::string selector;                     // s= (header.s)
  std::string algorithm;                    // a= (header.a)
  std::string identity;                     // i= (header.i)
  std::string signature_prefix;             // first 8 base64 characters of b= (header.b, RFC 6008)
  std::vector<std::string> signed_headers;  // h=, as the signer wrote them
  std::string reason;                       // in words, for the postmaster
  std::optional<std::uint64_t> length;      // l=, when the signer limited the body
  int key_bits = 0;                         // size of the key that was tried
  bool key_testing = false;                 // the key record says t=y
  // bh= against the body, known without the key: `auth check` reports it
  // even when DNS gave no key. nullopt: not compared (bad signature syntax,
  // refused before the body was looked at).
  std::optional<bool> body_hash_matches;
  std::size_t field_index = 0;  // which header field (index in headers())
};

// TXT records at `name`, one string per record with its character-strings
// joined. An empty vector means "no such record" (NXDOMAIN or NODATA). An
// error of kind ErrorKind::temporary yields temperror; any other error,
// permerror.
using KeyFetcher = std::function<Result<std::vector<std::string>>(std::string_view name)>;

struct DkimOptions {
  DkimLimits limits;
  // Seconds since the epoch; unset means the system clock.
  std::function<std::int64_t()> clock;
  // Tolerance for x= in the past and t= in the future (clocks disagree).
  std::int64_t clock_skew = 300;
  // RFC 8301 §3.2: verifiers MUST NOT accept RSA keys under 1024 bits.
  int min_rsa_bits = 1024;
  // l= lets anyone append to the body (RFC 6376 §8.2); false turns every
  // signature with l= into "policy".
  bool accept_body_length = true;
  // With no key (DNS down, no record), hash the body all the same, so that
  // explain() can say whether it survived (issue 11). `deliver` turns it
  // off: nothing there reads it, and a signature whose key is missing then
  // costs no hashing, RFC 6376 §6.1.2 (the key) coming before §6.1.3.
  bool hash_body_without_key = true;
};

using BodyDigest = std::array<unsigned char, 32>;

// One message as the verifier sees it: header fields and body, plus the body
// hashes computed so far, so that every DKIM signature and ARC message
// signature with the same (canonicalisation, l=) shares one hash.
class SignedMessage {
 public:
  SignedMessage(std::span<const message::HeaderField> headers, std::string_view body);
  explicit SignedMessage(const message::Message& message);

  [[nodiscard]] std::span<const message::HeaderField> headers() const noexcept { return headers_; }
  [[nodiscard]] std::string_view body() const noexcept { return body_; }

  struct BodyHash {
    BodyDigest digest{};
    std::uint64_t canonical_length = 0;  // of the whole canonical body
  };
  // SHA-256 of the canonical body, cut at `length` when given.
  const BodyHash& body_hash(Canonicalization c, std::optional<std::uint64_t> length);
  // How many body hashes were actually computed (for tests and logs).
  [[nodiscard]] std::size_t body_hashes_computed() const noexcept { return cache_.size(); }

  // Header field `index` parsed as a signature of `kind` under `limits`,
  // once: ask_ahead reads its d= and s= before the checks and the verifier
  // all of it after, and a parse was a fifth of authenticating a message
  // whose key DNS refused (callgrind, bench/deliver). The reference stays
  // valid as long as this object.
  const TagResult<DkimSignature>& signature(std::size_t index, SignatureKind kind,
                                            const DkimLimits& limits);
  // How many fields were actually parsed (for tests).
  [[nodiscard]] std::size_t signatures_parsed() const noexcept { return parsed_.size(); }

 private:
  struct Parsed {
    std::size_t index;
    SignatureKind kind;
    DkimLimits limits;
    TagResult<DkimSignature> signature;
  };
  struct Entry {
    Canonicalization canon;
    std::optional<std::uint64_t> length;
    BodyHash hash;
  };
  std::span<const message::HeaderField> headers_;
  std::string_view body_;
  std::vector<Entry> cache_;
  std::deque<Parsed> parsed_;  // a deque: references to its elements outlive a push_back
};

class DkimVerifier {
 public:
  explicit DkimVerifier(KeyFetcher fetcher, DkimOptions options = {});
  ~DkimVerifier();
  DkimVerifier(DkimVerifier&&) noexcept;
  DkimVerifier& operator=(DkimVerifier&&) noexcept;
  DkimVerifier(const DkimVerifier&) = delete;
  DkimVerifier& operator=(const DkimVerifier&) = delete;

  // One result per DKIM-Signature field, top to bottom (at most
  // limits.max_signatures; the rest get permerror "too many signatures").
  // Never throws.
  std::vector<DkimResult> verify(const message::Message& message);
  std::vector<DkimResult> verify(SignedMessage& message);

  // One DKIM-Signature (kind dkim) or ARC-Message-Signature (kind
  // arc_message) field, by index in message.headers(). Never throws.
  DkimResult verify_field(SignedMessage& message, std::size_t field_index, SignatureKind kind);

  [[nodiscard]] const DkimOptions& options() const noexcept;

  struct Impl;  // shared with the ARC validator (src/auth/)
  Impl& impl() noexcept { return *impl_; }

 private:
  void verify_all(SignedMessage& message, std::vector<DkimResult>& out);
  DkimResult check_field(SignedMessage& message, std::size_t field_index, SignatureKind kind);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailroom::auth
