// RFC 6376 §3.5 DKIM-Signature tags, and the RFC 8617 §4.1.2
// ARC-Message-Signature that reuses them. Parsing checks syntax and the
// "MUST" rules of §6.1.1 that need no DNS; the verifier does the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/dkim_tag_list.hpp"

namespace mailroom::auth {

enum class Canonicalization : std::uint8_t { simple, relaxed };

enum class SignatureAlgorithm : std::uint8_t {
  rsa_sha256,
  rsa_sha1,        // parsed so that the verdict can name RFC 8301; never valid
  ed25519_sha256,  // RFC 8463
};

std::string_view to_string(Canonicalization c) noexcept;
std::string_view to_string(SignatureAlgorithm a) noexcept;

// Limits for one message's signatures and key records (untrusted input).
struct DkimLimits {
  TagListLimits tags;
  std::size_t max_signatures = 16;       // DKIM-Signature fields verified per message
  std::size_t max_signed_headers = 256;  // entries in h=
  std::size_t max_key_records = 8;       // TXT records tried per selector
  std::size_t max_arc_sets = 50;         // RFC 8617 §4.2.1: i= is at most 50
  std::size_t max_name_bytes = 255;      // d= and s= (a DNS name)
  bool operator==(const DkimLimits&) const = default;
};

enum class SignatureKind : std::uint8_t { dkim, arc_message };

struct DkimSignature {
  SignatureKind kind = SignatureKind::dkim;
  SignatureAlgorithm algorithm = SignatureAlgorithm::rsa_sha256;
  std::string algorithm_name;  // a= as written
  std::string signature;       // b=, decoded
  std::string body_hash;       // bh=, decoded
  Canonicalization header_canon = Canonicalization::simple;
  Canonicalization body_canon = Canonicalization::simple;
  std::string domain;                       // d=
  std::string selector;                     // s=
  std::vector<std::string> signed_headers;  // h=, names as written
  std::string identity;                     // i= (DKIM: AUID, default "@" d=)
  std::optional<std::uint64_t> length;      // l=
  std::optional<std::uint64_t> timestamp;   // t=
  std::optional<std::uint64_t> expiration;  // x=
  unsigned instance = 0;                    // ARC i= (1..50); 0 for DKIM
  // Offsets in the parsed text of what follows "b=" up to ";" or the end:
  // the bytes §3.7 removes when hashing the signature's own field.
  std::size_t b_begin = 0;
  std::size_t b_end = 0;
};

// Parses the value of a DKIM-Signature (kind dkim) or ARC-Message-Signature
// (kind arc_message) field: the bytes after the colon, folds included.
TagResult<DkimSignature> parse_dkim_signature(std::string_view value,
                                              SignatureKind kind = SignatureKind::dkim,
                                              const DkimLimits& limits = {});

// Shared by the parsers: RFC 5321-style domain (labels of letters, digits,
// "-" and "_", no empty label), at most 255 bytes.
bool is_domain_name(std::string_view name) noexcept;

}  // namespace mailroom::auth
