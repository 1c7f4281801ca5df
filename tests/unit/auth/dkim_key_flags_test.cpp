// Verifier behaviour that needs our own signatures: key flags (t=y, t=s),
// h=, s=, k=, revoked keys, several key records, RFC 8301 (rsa-sha1, small
// RSA keys), x=/t= against an injected clock, l= policy, limits.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dkim_test_signer.hpp"

namespace mailroom::auth {
namespace {

using test::sign;
using test::TestKey;

const std::string kMessage = test::crlf(
    "From: Joe <joe@example.com>\n"
    "To: Ann <ann@example.net>\n"
    "Subject: keys\n"
    "\n"
    "Body text.\n");

struct Fixture : ::testing::Test {
  test::MapKeys keys;
  DkimOptions options;
  DkimResult verify_one(const std::string& bytes) {
    DkimVerifier verifier(keys.fetcher(), options);
    auto msg = test::parse_message(bytes);
    auto results = verifier.verify(msg);
    EXPECT_EQ(results.size(), 1U);
    return results.empty() ? DkimResult{} : results[0];
  }
  static const TestKey& ed() {
    static TestKey k = TestKey::make(true);
    return k;
  }
  static const TestKey& rsa() {
    static TestKey k = TestKey::make(false, 1024);
    return k;
  }
};

const std::string kEdTags =
    "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed; h=from:to:subject";
const std::string kRsaTags =
    "v=1; a=rsa-sha256; c=simple/simple; d=example.com; s=rsa; h=from:subject";

std::string tamper(std::string bytes) {
  bytes.replace(bytes.find("Body text"), 9, "Body TEXT");
  return bytes;
}

using DkimKeys = Fixture;

TEST_F(DkimKeys, Ed25519AndRsaPass) {
  keys.records["ed._domainkey.example.com"] = {ed().record()};
  keys.records["rsa._domainkey.example.com"] = {rsa().record()};
  auto r = verify_one(sign(kMessage, ed(), kEdTags));
  EXPECT_EQ(r.status, DkimStatus::pass) << r.reason;
  auto r2 = verify_one(sign(kMessage, rsa(), kRsaTags));
  EXPECT_EQ(r2.status, DkimStatus::pass) << r2.reason;
  EXPECT_EQ(r2.key_bits, 1024);
  EXPECT_EQ(verify_one(tamper(sign(kMessage, rsa(), kRsaTags))).status, DkimStatus::fail);
}

TEST_F(DkimKeys, TestingFlagTurnsFailureIntoNeutral) {
  keys.records["ed._domainkey.example.com"] = {ed().record("t=y; ")};
  auto ok = verify_one(sign(kMessage, ed(), kEdTags));
  EXPECT_EQ(ok.status, DkimStatus::pass);
  EXPECT_TRUE(ok.key_testing);
  auto bad = verify_one(tamper(sign(kMessage, ed(), kEdTags)));
  EXPECT_EQ(bad.status, DkimStatus::neutral);
  EXPECT_NE(bad.reason.find("t=y"), std::string::npos) << bad.reason;
}

TEST_F(DkimKeys, StrictFlagRefusesSubdomainIdentity) {
  keys.records["ed._domainkey.example.com"] = {ed().record("t=s; ")};
  EXPECT_EQ(verify_one(sign(kMessage, ed(), kEdTags + "; i=@example.com")).status,
            DkimStatus::pass);
  auto r = verify_one(sign(kMessage, ed(), kEdTags + "; i=@news.example.com"));
  EXPECT_EQ(r.status, DkimStatus::permerror);
  EXPECT_NE(r.reason.find("t=s"), std::string::npos) << r.reason;
}

TEST_F(DkimKeys, HashServiceAndTypeRestrictions) {
  auto msg = sign(kMessage, ed(), kEdTags);
  struct Case {
    std::string record;
    DkimStatus status;
  };
  for (const Case& c : {Case{ed().record("h=sha1; "), DkimStatus::permerror},
                        Case{ed().record("h=sha1:sha256; "), DkimStatus::pass},
                        Case{ed().record("s=tlsrpt; "), DkimStatus::permerror},
                        Case{ed().record("s=email; "), DkimStatus::pass},
                        Case{rsa().record(), DkimStatus::permerror},
                        Case{"v=DKIM1; k=ed25519; p=", DkimStatus::permerror},
                        Case{"v=DKIM1; k=ed25519; p=AAAA", DkimStatus::permerror},
                        Case{"garbage", DkimStatus::permerror}}) {
    SCOPED_TRACE(c.record);
    keys.records["ed._domainkey.example.com"] = {c.record};
    auto r = verify_one(msg);
    EXPECT_EQ(r.status, c.status) << r.reason;
    EXPECT_FALSE(r.reason.empty());
  }
}

TEST_F(DkimKeys, RevokedKeySaysSo) {
  keys.records["ed._domainkey.example.com"] = {"v=DKIM1; k=ed25519; p="};
  auto r = verify_one(sign(kMessage, ed(), kEdTags));
  EXPECT_EQ(r.status, DkimStatus::permerror);
  EXPECT_NE(r.reason.find("revoked"), std::string::npos) << r.reason;
}

TEST_F(DkimKeys, EveryKeyRecordIsTried) {
  auto other = TestKey::make(true);
  keys.records["ed._domainkey.example.com"] = {"v=spf1 -all", other.record(), ed().record()};
  EXPECT_EQ(verify_one(sign(kMessage, ed(), kEdTags)).status, DkimStatus::pass);
  keys.records["ed._domainkey.example.com"] = {other.record()};
  EXPECT_EQ(verify_one(sign(kMessage, ed(), kEdTags)).status, DkimStatus::fail);
  options.limits.max_key_records = 2;
  keys.records["ed._domainkey.example.com"] = {"v=spf1 -all", other.record(), ed().record()};
  EXPECT_EQ(verify_one(sign(kMessage, ed(), kEdTags)).status, DkimStatus::fail);
}

TEST_F(DkimKeys, Rfc8301RefusesSha1AndSmallRsaKeys) {
  auto small = TestKey::make(false, 512);
  keys.records["rsa._domainkey.example.com"] = {small.record()};
  auto r = verify_one(sign(kMessage, small, kRsaTags));
  EXPECT_EQ(r.status, DkimStatus::permerror);
  EXPECT_EQ(r.key_bits, 512);
  EXPECT_NE(r.reason.find("RFC 8301"), std::string::npos) << r.reason;
  keys.records["rsa._domainkey.example.com"] = {rsa().record()};
  std::string sha1 = sign(kMessage, rsa(), kRsaTags);
  sha1.replace(sha1.find("rsa-sha256"), 10, "rsa-sha1");
  auto r1 = verify_one(sha1);
  EXPECT_EQ(r1.status, DkimStatus::permerror);
  EXPECT_NE(r1.reason.find("RFC 8301"), std::string::npos) << r1.reason;
  EXPECT_EQ(keys.lookups, 1) << "rsa-sha1 is refused before any DNS query";
}

TEST_F(DkimKeys, ExpiryAndFutureTimestampsUseTheInjectedClock) {
  keys.records["ed._domainkey.example.com"] = {ed().record()};
  auto msg = sign(kMessage, ed(), kEdTags + "; t=1000; x=2000");
  options.clock_skew = 0;
  options.clock = [] { return std::int64_t{1500}; };
  EXPECT_EQ(verify_one(msg).status, DkimStatus::pass);
  options.clock = [] { return std::int64_t{2001}; };
  auto expired = verify_one(msg);
  EXPECT_EQ(expired.status, DkimStatus::permerror);
  EXPECT_NE(expired.reason.find("expired"), std::string::npos) << expired.reason;
  options.clock = [] { return std::int64_t{999}; };
  EXPECT_EQ(verify_one(msg).status, DkimStatus::permerror);
  options.clock_skew = 10;
  EXPECT_EQ(verify_one(msg).status, DkimStatus::pass);
}

TEST_F(DkimKeys, BodyLengthTag) {
  keys.records["ed._domainkey.example.com"] = {ed().record()};
  auto msg = sign(kMessage, ed(), kEdTags + "; l=4") + "Appended.\r\n";
  auto r = verify_one(msg);
  EXPECT_EQ(r.status, DkimStatus::pass) << r.reason;
  EXPECT_NE(r.reason.find("first 4"), std::string::npos) << r.reason;
  EXPECT_EQ(r.length, 4U);
  options.accept_body_length = false;
  EXPECT_EQ(verify_one(msg).status, DkimStatus::policy);
  options.accept_body_length = true;
  auto too_long = verify_one(sign(kMessage, ed(), kEdTags + "; l=4000"));
  EXPECT_EQ(too_long.status, DkimStatus::permerror) << too_long.reason;
}

TEST_F(DkimKeys, DnsErrorsMapToTemperrorAndPermerror) {
  auto msg = sign(kMessage, ed(), kEdTags);
  DkimVerifier temp([](std::string_view) -> Result<std::vector<std::string>> {
    return fail(ErrorKind::temporary, "SERVFAIL");
  });
  auto m = test::parse_message(msg);
  auto r = temp.verify(m);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].status, DkimStatus::temperror);
  EXPECT_NE(r[0].reason.find("SERVFAIL"), std::string::npos);
  DkimVerifier perm([](std::string_view) -> Result<std::vector<std::string>> {
    return fail(ErrorKind::parse, "bad answer");
  });
  EXPECT_EQ(perm.verify(m)[0].status, DkimStatus::permerror);
  DkimVerifier none(nullptr);
  EXPECT_EQ(none.verify(m)[0].status, DkimStatus::permerror);
}

TEST_F(DkimKeys, SignatureLimitAndSharedBodyHashes) {
  keys.records["ed._domainkey.example.com"] = {ed().record()};
  keys.records["rsa._domainkey.example.com"] = {rsa().record()};
  std::string msg = sign(kMessage, ed(), kEdTags);
  msg = sign(msg, ed(), kEdTags + "; i=@example.com");
  msg = sign(msg, rsa(), kRsaTags);
  DkimVerifier verifier(keys.fetcher(), options);
  auto parsed = test::parse_message(msg);
  SignedMessage sm(parsed);
  auto results = verifier.verify(sm);
  ASSERT_EQ(results.size(), 3U);
  for (const auto& r : results) EXPECT_EQ(r.status, DkimStatus::pass) << r.reason;
  EXPECT_EQ(sm.body_hashes_computed(), 2U) << "relaxed once, simple once";
  options.limits.max_signatures = 2;
  DkimVerifier limited(keys.fetcher(), options);
  auto capped = limited.verify(parsed);
  ASSERT_EQ(capped.size(), 3U);
  EXPECT_EQ(capped[2].status, DkimStatus::permerror);
  EXPECT_NE(capped[2].reason.find("more than 2"), std::string::npos);
  EXPECT_EQ(capped[2].domain, "example.com");
}

// authenticate() parses each signature before the checks (ask_ahead, for
// the key's name) and the verifier reads it after: one parse per field,
// kind and limits, and a verdict the same as from a fresh SignedMessage.
TEST_F(DkimKeys, SignedMessageParsesEachSignatureOnce) {
  keys.records["ed._domainkey.example.com"] = {ed().record()};
  std::string msg = sign(kMessage, ed(), kEdTags);
  msg = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=to; bh=AAAA; b=AAAA\r\n" + msg;
  auto parsed = test::parse_message(msg);
  SignedMessage sm(parsed);
  const auto& bad = sm.signature(0, SignatureKind::dkim, options.limits);
  const auto& good = sm.signature(1, SignatureKind::dkim, options.limits);
  ASSERT_FALSE(bad.has_value());
  ASSERT_TRUE(good.has_value()) << good.error().describe();
  EXPECT_EQ(good->selector, "ed");
  EXPECT_EQ(&sm.signature(1, SignatureKind::dkim, options.limits), &good) << "parsed again";
  EXPECT_EQ(&bad, &sm.signature(0, SignatureKind::dkim, options.limits)) << "moved by a push";
  EXPECT_EQ(sm.signatures_parsed(), 2U);
  DkimLimits other = options.limits;
  other.max_signed_headers = 1;  // parsed again under these: h= has three names, refused
  EXPECT_FALSE(sm.signature(1, SignatureKind::dkim, other).has_value());
  EXPECT_FALSE(sm.signature(1, SignatureKind::arc_message, options.limits).has_value());
  EXPECT_EQ(sm.signatures_parsed(), 4U);
  DkimVerifier verifier(keys.fetcher(), options);
  auto cached = verifier.verify(sm);
  EXPECT_EQ(sm.signatures_parsed(), 4U) << "the verifier parsed a field again";
  auto fresh = verifier.verify(parsed);
  ASSERT_EQ(cached.size(), 2U);
  ASSERT_EQ(fresh.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(cached[i].status, fresh[i].status);
    EXPECT_EQ(cached[i].reason, fresh[i].reason);
    EXPECT_EQ(cached[i].selector, fresh[i].selector);
  }
  EXPECT_EQ(cached[0].status, DkimStatus::permerror);
  EXPECT_EQ(cached[1].status, DkimStatus::pass) << cached[1].reason;
}

TEST_F(DkimKeys, SyntaxErrorsStillNameTheSigner) {
  auto r = verify_one(
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=to; bh=AAAA; b=AAAA\r\n" +
      kMessage);
  EXPECT_EQ(r.status, DkimStatus::permerror);
  EXPECT_EQ(r.domain, "example.com");
  EXPECT_EQ(r.selector, "x");
  EXPECT_NE(r.reason.find("From"), std::string::npos) << r.reason;
}

TEST_F(DkimKeys, SecondFromFieldAboveTheSignedOneBreaksTheSignature) {
  keys.records["ed._domainkey.example.com"] = {ed().record()};
  auto msg = sign(kMessage, ed(), kEdTags);
  auto pos = msg.find("From: Joe");
  msg.insert(pos, "From: Mallory <m@example.org>\r\n");
  EXPECT_EQ(verify_one(msg).status, DkimStatus::fail);
}

}  // namespace
}  // namespace mailroom::auth
