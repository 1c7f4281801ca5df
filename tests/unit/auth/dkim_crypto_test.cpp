// The OpenSSL edge (src/auth/dkim_crypto.cpp): the strict DER reader for
// RSA keys in p= (RFC 5280 §4.1.2.7, RFC 3279 §2.3.1, RFC 8017 §A.1.1,
// X.690 §10), inputs it must refuse side by side with those it must read,
// and keys it refuses still loading through OpenSSL's own decoders.
#include <gtest/gtest.h>

#include <openssl/x509.h>

#include <cstdint>
#include <string>
#include <vector>

#include "auth/dkim_base64.hpp"
#include "auth/dkim_crypto.hpp"
#include "auth/dkim_crypto_der.hpp"
#include "dkim_test_signer.hpp"

#ifdef MAILROOM_LAZY_CPUID
// libcrypto's CPU capability words; reachable when it is linked statically.
extern "C" unsigned int OPENSSL_ia32cap_P[];  // NOLINT(*-avoid-c-arrays)
#endif

namespace mailroom::auth {
namespace {

#ifdef MAILROOM_LAZY_CPUID
// Read during static initialisation, after .init has run and before any test.
const unsigned int kCapsAtStart = OPENSSL_ia32cap_P[0];

// scripts/cmake/lazy-cpuid.ld drops OpenSSL's CPU probe from start-up: a
// delivery that needs no crypto does not pay for it. The first use must
// run it, or every hash and signature would take the generic code path.
TEST(OpenSslInit, CpuIsProbedAtFirstUseNotAtStart) {
  EXPECT_EQ(kCapsAtStart, 0U) << "OpenSSL probed the CPU at start-up";
  prepare_crypto();
  EXPECT_NE(OPENSSL_ia32cap_P[0], 0U) << "OpenSSL's first use did not probe the CPU";
}
#endif

// A DER element with a minimal definite length (X.690 §8.1.3, §10.1).
std::string tlv(std::uint8_t tag, const std::string& contents) {
  std::string out(1, static_cast<char>(tag));
  std::size_t n = contents.size();
  if (n < 0x80) {
    out.push_back(static_cast<char>(n));
  } else if (n < 0x100) {
    out += {'\x81', static_cast<char>(n)};
  } else {
    out += {'\x82', static_cast<char>(n >> 8U), static_cast<char>(n & 0xffU)};
  }
  return out + contents;
}

std::string seq(const std::string& contents) { return tlv(0x30, contents); }
std::string integer(const std::string& contents) { return tlv(0x02, contents); }

const std::string kRsaOid = tlv(0x06, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01");
const std::string kNull = std::string("\x05\x00", 2);
const std::string kRsaAlgorithm = seq(kRsaOid + kNull);

// A 1024-bit modulus (top bit set, so DER needs the zero octet) and 65537.
const std::string kModulus = std::string(1, '\xc1') + std::string(127, '\x5a');
const std::string kExponent("\x01\x00\x01", 3);

std::string rsa_public_key(const std::string& n = kModulus, const std::string& e = kExponent) {
  std::string n_der = (static_cast<std::uint8_t>(n[0]) & 0x80U) != 0 ? '\0' + n : n;
  return seq(integer(n_der) + integer(e));
}

std::string spki(const std::string& algorithm, const std::string& key) {
  return seq(algorithm + tlv(0x03, '\0' + key));
}

const std::string kSpki = spki(kRsaAlgorithm, rsa_public_key());

TEST(RsaPublicKeyDer, ReadsSubjectPublicKeyInfoAndBareRsaPublicKey) {
  for (const std::string& der : {kSpki, rsa_public_key()}) {
    auto numbers = parse_rsa_public_key(der);
    ASSERT_TRUE(numbers);
    EXPECT_EQ(numbers->modulus, kModulus) << "the sign octet is dropped";
    EXPECT_EQ(numbers->exponent, kExponent);
  }
  // A modulus whose top bit is clear needs no zero octet.
  std::string small = std::string(1, '\x41') + std::string(127, '\x5a');
  const std::string der = spki(kRsaAlgorithm, rsa_public_key(small));
  auto numbers = parse_rsa_public_key(der);  // views into `der`
  ASSERT_TRUE(numbers);
  EXPECT_EQ(numbers->modulus, small);
}

TEST(RsaPublicKeyDer, ReadsTheRfc8463Key) {
  // RFC 8463 §A.2, selector "test": an RSA-1024 SubjectPublicKeyInfo.
  auto der = base64_decode(
      "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
      "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
      "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
      "Ip3G+2kryOTIKT+l/K4w3QIDAQAB");
  ASSERT_TRUE(der);
  auto numbers = parse_rsa_public_key(*der);
  ASSERT_TRUE(numbers);
  EXPECT_EQ(numbers->modulus.size(), 128U);
  EXPECT_EQ(static_cast<std::uint8_t>(numbers->modulus[0]), 0xe4);
  EXPECT_EQ(numbers->exponent, kExponent);
}

struct Malformed {
  const char* why;
  std::string der;
};

std::vector<Malformed> malformed() {
  const std::string key = rsa_public_key();
  const std::string n = integer('\0' + kModulus);
  const std::string e = integer(kExponent);
  return {
      {"empty", ""},
      {"a lone tag", "\x30"},
      {"trailing byte", kSpki + '\0'},
      {"trailing byte inside the SEQUENCE",
       seq(kRsaAlgorithm + tlv(0x03, '\0' + key) + std::string(1, '\0'))},
      {"indefinite length (BER)", "\x30\x80" + kSpki.substr(3) + std::string(2, '\0')},
      {"long form for a short length", "\x30\x81\x05" + std::string(5, '\0')},
      {"length with a leading zero octet",
       std::string("\x30\x82\x00\x81", 4) + std::string(0x81, '\0')},
      {"four length octets", std::string("\x30\x84\x00\x00\x00\x01\x00", 7)},
      {"length beyond the input", std::string("\x30\x83\xff\xff\xff", 5)},
      {"length beyond the input, one byte short", seq(kRsaAlgorithm).substr(0, 14)},
      {"another algorithm (id-ecPublicKey)",
       spki(seq(tlv(0x06, "\x2a\x86\x48\xce\x3d\x02\x01") + kNull), key)},
      {"rsaEncryption without NULL parameters", spki(seq(kRsaOid), key)},
      {"rsaEncryption with other parameters", spki(seq(kRsaOid + tlv(0x05, "x")), key)},
      {"rsaEncryption with NULL and more", spki(seq(kRsaOid + kNull + kNull), key)},
      {"OID with a wrong tag", spki(seq(tlv(0x04, kRsaOid.substr(2)) + kNull), key)},
      {"no BIT STRING", seq(kRsaAlgorithm)},
      {"empty BIT STRING", seq(kRsaAlgorithm + tlv(0x03, ""))},
      {"BIT STRING with unused bits", seq(kRsaAlgorithm + tlv(0x03, '\x01' + key))},
      {"OCTET STRING instead of BIT STRING", seq(kRsaAlgorithm + tlv(0x04, '\0' + key))},
      {"negative modulus", spki(kRsaAlgorithm, seq(integer(kModulus) + e))},
      {"modulus with a superfluous zero octet",
       spki(kRsaAlgorithm, seq(integer(std::string("\0\x41", 2)) + e))},
      {"zero modulus", spki(kRsaAlgorithm, seq(integer(std::string(1, '\0')) + e))},
      {"empty modulus", spki(kRsaAlgorithm, seq(integer("") + e))},
      {"no exponent", spki(kRsaAlgorithm, seq(n))},
      {"three INTEGERs", spki(kRsaAlgorithm, seq(n + e + e))},
      {"bytes after RSAPublicKey in the BIT STRING", spki(kRsaAlgorithm, key + '\0')},
      {"bare RSAPublicKey with a trailing byte", key + '\0'},
      {"exponent as OCTET STRING", spki(kRsaAlgorithm, seq(n + tlv(0x04, kExponent)))},
  };
}

TEST(RsaPublicKeyDer, RefusesMalformedInput) {
  for (const auto& m : malformed()) {
    EXPECT_FALSE(parse_rsa_public_key(m.der)) << m.why;
  }
}

TEST(RsaPublicKeyDer, RefusesEveryTruncation) {
  for (std::size_t n = 0; n < kSpki.size(); ++n) {
    EXPECT_FALSE(parse_rsa_public_key(kSpki.substr(0, n))) << "first " << n << " bytes";
  }
}

// Every single-octet change either fails or yields views inside the input
// (run under ASan by scripts/test, this is a small deterministic fuzz).
TEST(RsaPublicKeyDer, AnyOctetChangeStaysInBounds) {
  for (std::size_t i = 0; i < kSpki.size(); ++i) {
    for (int v : {0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0xff}) {
      std::string der = kSpki;
      der[i] = static_cast<char>(v);
      auto numbers = parse_rsa_public_key(der);
      if (!numbers) continue;
      for (std::string_view part : {numbers->modulus, numbers->exponent}) {
        EXPECT_GE(part.data(), der.data());
        EXPECT_LE(part.data() + part.size(), der.data() + der.size());
      }
    }
  }
}

// load_public_key: our reader first, OpenSSL's decoders for what it refuses,
// so that the keys accepted are those OpenSSL accepts.
struct LoadKey : ::testing::Test {
  static const test::TestKey& rsa() {
    static test::TestKey k = test::TestKey::make(false, 1024);
    return k;
  }
  static std::string der(const test::TestKey& key) {
    auto bytes = base64_decode(key.p());
    return bytes ? *bytes : std::string();
  }
  static bool verifies(const PublicKey& key, const test::TestKey& signer) {
    const std::string data = "from:Joe <joe@example.com>\r\nsubject:keys";
    auto signature = base64_decode(signer.sign(data));
    return signature && verify_signature(key, SignatureAlgorithm::rsa_sha256, data, *signature) &&
           !verify_signature(key, SignatureAlgorithm::rsa_sha256, data + "!", *signature);
  }
};

TEST_F(LoadKey, RsaFromSubjectPublicKeyInfoVerifies) {
  std::string spki_der = der(rsa());
  ASSERT_TRUE(parse_rsa_public_key(spki_der)) << "OpenSSL writes strict DER";
  auto key = load_public_key(KeyType::rsa, spki_der);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->bits, 1024);
  EXPECT_EQ(key->type, KeyType::rsa);
  EXPECT_TRUE(verifies(*key, rsa()));
}

TEST_F(LoadKey, RsaFromBareRsaPublicKeyVerifies) {
  const std::string spki_der = der(rsa());
  auto numbers = parse_rsa_public_key(spki_der);  // views into `spki_der`
  ASSERT_TRUE(numbers);
  auto key = load_public_key(
      KeyType::rsa, rsa_public_key(std::string(numbers->modulus), std::string(numbers->exponent)));
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->bits, 1024);
  EXPECT_TRUE(verifies(*key, rsa()));
}

TEST_F(LoadKey, WhatTheReaderRefusesOpenSslStillDecodes) {
  std::string good = der(rsa());
  auto numbers = parse_rsa_public_key(good);
  ASSERT_TRUE(numbers);
  std::string key = rsa_public_key(std::string(numbers->modulus), std::string(numbers->exponent));
  for (const std::string& lenient : {good + "junk", spki(seq(kRsaOid), key)}) {
    ASSERT_FALSE(parse_rsa_public_key(lenient));
    auto loaded = load_public_key(KeyType::rsa, lenient);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->bits, 1024);
    EXPECT_TRUE(verifies(*loaded, rsa()));
  }
}

// Every malformed input goes through both readers (ours, then OpenSSL's);
// some of it OpenSSL still loads (see above), none of it verifies.
TEST_F(LoadKey, MalformedKeysNeverVerify) {
  for (const auto& m : malformed()) {
    auto key = load_public_key(KeyType::rsa, m.der);
    if (key) EXPECT_FALSE(verifies(*key, rsa())) << m.why;
  }
}

TEST_F(LoadKey, KeySizeIsReportedForRfc8301) {
  // RFC 8301 §3.2 is enforced by the caller on `bits`: it must be exact.
  auto small = test::TestKey::make(false, 512);
  auto key = load_public_key(KeyType::rsa, der(small));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->bits, 512);
}

TEST_F(LoadKey, TypeMustMatchK) {
  auto ed = test::TestKey::make(true);
  auto raw = der(ed);
  ASSERT_EQ(raw.size(), 32U);
  auto key = load_public_key(KeyType::ed25519, raw);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->type, KeyType::ed25519);
  EXPECT_FALSE(load_public_key(KeyType::rsa, raw)) << "32 raw bytes are no RSA key";
  // An Ed25519 SubjectPublicKeyInfo offered as k=rsa names the mismatch.
  unsigned char* spki_der = nullptr;
  int n = i2d_PUBKEY(ed.pkey.get(), &spki_der);
  ASSERT_GT(n, 0);
  std::string ed_spki(reinterpret_cast<const char*>(spki_der), static_cast<std::size_t>(n));
  OPENSSL_free(spki_der);
  auto wrong = load_public_key(KeyType::rsa, ed_spki);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("another type"), std::string::npos);
}

}  // namespace
}  // namespace mailroom::auth
