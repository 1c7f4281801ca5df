#include "dkim_crypto_der.hpp"

#include <cstddef>
#include <cstdint>

namespace mailroom::auth {
namespace {

// X.690 §8.1.2 identifier octets (universal class).
constexpr std::uint8_t kInteger = 0x02;
constexpr std::uint8_t kBitString = 0x03;
constexpr std::uint8_t kNull = 0x05;
constexpr std::uint8_t kObjectIdentifier = 0x06;
constexpr std::uint8_t kSequence = 0x30;  // constructed

// 1.2.840.113549.1.1.1 (RFC 3279 §2.3.1), contents octets (X.690 §8.19).
constexpr std::string_view kRsaEncryption{"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 9};

// Lengths of at most 3 octets (16 MiB): a p= value is a DNS TXT record, far
// shorter; longer forms are refused before any arithmetic on them.
constexpr std::size_t kMaxLengthOctets = 3;

std::uint8_t octet(char c) { return static_cast<std::uint8_t>(c); }

// Reads tag-length-value elements (X.690 §8.1) from the front of `rest_`,
// never past its end.
class DerReader {
 public:
  explicit DerReader(std::string_view der) : rest_(der) {}

  // The contents of the next element when its tag is `tag`.
  [[nodiscard]] std::optional<std::string_view> take(std::uint8_t tag) {
    if (rest_.empty() || octet(rest_.front()) != tag) return std::nullopt;
    rest_.remove_prefix(1);
    auto len = length();
    if (!len || *len > rest_.size()) return std::nullopt;
    std::string_view contents = rest_.substr(0, *len);
    rest_.remove_prefix(*len);
    return contents;
  }

  [[nodiscard]] bool empty() const { return rest_.empty(); }

 private:
  // X.690 §8.1.3, restricted by §10.1: the definite form, in as few octets
  // as possible (no indefinite 0x80, no leading zero, short form below 128).
  std::optional<std::size_t> length() {
    if (rest_.empty()) return std::nullopt;
    std::uint8_t first = octet(rest_.front());
    rest_.remove_prefix(1);
    if (first < 0x80) return first;
    std::size_t octets = first & 0x7fU;
    if (octets == 0 || octets > kMaxLengthOctets || octets > rest_.size()) return std::nullopt;
    if (octet(rest_.front()) == 0) return std::nullopt;
    std::size_t len = 0;
    for (std::size_t i = 0; i < octets; ++i) len = (len << 8U) | octet(rest_[i]);
    rest_.remove_prefix(octets);
    if (len < 0x80) return std::nullopt;
    return len;
  }

  std::string_view rest_;
};

// The magnitude of a positive INTEGER in minimal form (X.690 §8.3.2): no
// sign bit set, and a leading zero octet only where the next has its top
// bit set (that octet is dropped).
std::optional<std::string_view> positive(std::optional<std::string_view> contents) {
  if (!contents || contents->empty() || (octet(contents->front()) & 0x80U) != 0) {
    return std::nullopt;
  }
  if (octet(contents->front()) == 0) {
    if (contents->size() == 1 || (octet((*contents)[1]) & 0x80U) == 0) return std::nullopt;
    contents->remove_prefix(1);
  }
  return contents;
}

// The one element of `der`, which holds nothing after it.
std::optional<std::string_view> only(std::string_view der, std::uint8_t tag) {
  DerReader reader(der);
  auto contents = reader.take(tag);
  if (!contents || !reader.empty()) return std::nullopt;
  return contents;
}

// RFC 8017 §A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER,
// publicExponent INTEGER }.
std::optional<RsaPublicNumbers> rsa_public_key(std::string_view der) {
  auto seq = only(der, kSequence);
  if (!seq) return std::nullopt;
  DerReader fields(*seq);
  auto n = positive(fields.take(kInteger));
  if (!n) return std::nullopt;
  auto e = positive(fields.take(kInteger));
  if (!e || !fields.empty()) return std::nullopt;
  return RsaPublicNumbers{*n, *e};
}

// RFC 5280 §4.1.1.2 AlgorithmIdentifier; RFC 3279 §2.3.1: for rsaEncryption
// the parameters "MUST be present and MUST be NULL".
bool is_rsa_encryption(std::string_view algorithm) {
  DerReader fields(algorithm);
  auto oid = fields.take(kObjectIdentifier);
  if (!oid || *oid != kRsaEncryption) return false;
  auto params = fields.take(kNull);
  return params && params->empty() && fields.empty();
}

// RFC 5280 §4.1.2.7: SubjectPublicKeyInfo ::= SEQUENCE { algorithm
// AlgorithmIdentifier, subjectPublicKey BIT STRING }, the BIT STRING
// holding the RSAPublicKey.
std::optional<RsaPublicNumbers> subject_public_key_info(std::string_view der) {
  auto seq = only(der, kSequence);
  if (!seq) return std::nullopt;
  DerReader fields(*seq);
  auto algorithm = fields.take(kSequence);
  if (!algorithm || !is_rsa_encryption(*algorithm)) return std::nullopt;
  auto bits = fields.take(kBitString);
  // X.690 §8.6.2.2: the first contents octet counts the unused bits of the
  // last one; a DER-encoded key is whole octets.
  if (!bits || bits->empty() || bits->front() != 0 || !fields.empty()) return std::nullopt;
  return rsa_public_key(bits->substr(1));
}

}  // namespace

std::optional<RsaPublicNumbers> parse_rsa_public_key(std::string_view der) {
  if (auto spki = subject_public_key_info(der)) return spki;
  return rsa_public_key(der);
}

}  // namespace mailroom::auth
