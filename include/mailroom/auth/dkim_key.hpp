// RFC 6376 §3.6.1 DKIM key records (the TXT record at
// <selector>._domainkey.<domain>), with k=ed25519 from RFC 8463.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/dkim_signature.hpp"
#include "mailroom/auth/dkim_tag_list.hpp"

namespace mailroom::auth {

enum class KeyType : std::uint8_t { rsa, ed25519 };

std::string_view to_string(KeyType k) noexcept;

struct DkimKeyRecord {
  KeyType key_type = KeyType::rsa;           // k=, default rsa
  std::vector<std::string> hash_algorithms;  // h=; empty means any
  std::vector<std::string> service_types;    // s=; default "*"
  bool testing = false;                      // t=y: the domain is testing DKIM
  bool strict = false;                       // t=s: i= must be exactly d=, not below it
  std::string public_key;                    // p=, decoded; empty: the key was revoked
  std::string notes;                         // n=, as written

  // The checks of §6.1.2 step 5-8 that need only the record.
  [[nodiscard]] bool allows_hash(std::string_view hash) const;
  [[nodiscard]] bool allows_email() const;
  [[nodiscard]] bool fits(SignatureAlgorithm alg) const;
};

// Parses one TXT record (its strings already joined).
TagResult<DkimKeyRecord> parse_dkim_key(std::string_view record, const DkimLimits& limits = {});

}  // namespace mailroom::auth
