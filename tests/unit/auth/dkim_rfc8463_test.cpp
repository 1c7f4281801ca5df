// RFC 8463 Appendix A: one message with an RSA and an Ed25519 signature.
#include <gtest/gtest.h>

#include "dkim_test_util.hpp"
#include "mailroom/auth/dkim_dns.hpp"
#include "mailroom/auth/dkim_verify.hpp"
#include "mailroom/dns/static_resolver.hpp"

namespace mailroom::auth {
namespace {

// RFC 8463 §A.2 key records.
constexpr const char* kEdRecord =
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
constexpr const char* kRsaRecord =
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
    "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
    "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
    "Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

// RFC 8463 §A.3 signed message (the RFC 6376 §A.1 message, signed twice).
constexpr const char* kSigned =
    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\n"
    " d=football.example.com; i=@football.example.com;\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\n"
    " subject : date : message-id : from : subject : date;\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\n"
    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\n"
    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
    " d=football.example.com; i=@football.example.com;\n"
    " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\n"
    " date : message-id : from : subject : date;\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\n"
    " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\n"
    " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\n"
    " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\n"
    "From: Joe SixPack <joe@football.example.com>\n"
    "To: Suzie Q <suzie@shopping.example.net>\n"
    "Subject: Is dinner ready?\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\n"
    "\n"
    "Hi.\n"
    "\n"
    "We lost the game.  Are you hungry yet?\n"
    "\n"
    "Joe.\n";

test::MapKeys rfc_keys() {
  test::MapKeys keys;
  keys.records["brisbane._domainkey.football.example.com"] = {kEdRecord};
  keys.records["test._domainkey.football.example.com"] = {kRsaRecord};
  return keys;
}

std::vector<DkimResult> verify(const std::string& bytes, test::MapKeys& keys) {
  DkimVerifier verifier(keys.fetcher());
  auto msg = test::parse_message(bytes);
  return verifier.verify(msg);
}

TEST(DkimRfc8463, BothSignaturesVerifyWithCrlf) {
  auto keys = rfc_keys();
  auto results = verify(test::crlf(kSigned), keys);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].status, DkimStatus::pass) << results[0].reason;
  EXPECT_EQ(results[0].algorithm, "ed25519-sha256");
  EXPECT_EQ(results[0].selector, "brisbane");
  EXPECT_EQ(results[0].domain, "football.example.com");
  EXPECT_EQ(results[0].key_bits, 256);
  EXPECT_EQ(results[0].signature_prefix, "/gCrinpc");
  EXPECT_EQ(results[1].status, DkimStatus::pass) << results[1].reason;
  EXPECT_EQ(results[1].algorithm, "rsa-sha256");
  EXPECT_EQ(results[1].key_bits, 1024);
  EXPECT_EQ(results[1].identity, "@football.example.com");
  EXPECT_EQ(results[1].signed_headers.size(), 8U);
}

TEST(DkimRfc8463, LfLineEndingsVerifyToo) {
  auto keys = rfc_keys();
  auto results = verify(kSigned, keys);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].status, DkimStatus::pass) << results[0].reason;
  EXPECT_EQ(results[1].status, DkimStatus::pass) << results[1].reason;
}

TEST(DkimRfc8463, BodyHashIsSharedBetweenTheTwoSignatures) {
  auto keys = rfc_keys();
  DkimVerifier verifier(keys.fetcher());
  auto msg = test::parse_message(test::crlf(kSigned));
  SignedMessage sm(msg);
  auto results = verifier.verify(sm);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(sm.body_hashes_computed(), 1U);
}

TEST(DkimRfc8463, TamperedBodyFailsBoth) {
  auto keys = rfc_keys();
  std::string bytes = test::crlf(kSigned);
  bytes.replace(bytes.find("lost"), 4, "won!");
  auto results = verify(bytes, keys);
  ASSERT_EQ(results.size(), 2U);
  for (const auto& r : results) {
    EXPECT_EQ(r.status, DkimStatus::fail);
    EXPECT_NE(r.reason.find("body hash"), std::string::npos) << r.reason;
  }
}

TEST(DkimRfc8463, TamperedSubjectFailsBoth) {
  auto keys = rfc_keys();
  std::string bytes = test::crlf(kSigned);
  bytes.replace(bytes.find("dinner"), 6, "supper");
  auto results = verify(bytes, keys);
  ASSERT_EQ(results.size(), 2U);
  for (const auto& r : results) {
    EXPECT_EQ(r.status, DkimStatus::fail);
    EXPECT_NE(r.reason.find("header"), std::string::npos) << r.reason;
  }
}

TEST(DkimRfc8463, RelaxedToleratesWhitespaceInHeaders) {
  auto keys = rfc_keys();
  std::string bytes = test::crlf(kSigned);
  bytes.replace(bytes.find("Is dinner"), 9, "Is   dinner");
  auto results = verify(bytes, keys);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].status, DkimStatus::pass);
  EXPECT_EQ(results[1].status, DkimStatus::pass);
}

TEST(DkimRfc8463, MissingKeyIsPermerrorAndDnsFailureTemperror) {
  test::MapKeys keys;
  keys.records["brisbane._domainkey.football.example.com"] = {kEdRecord};
  DkimVerifier verifier([&](std::string_view name) -> Result<std::vector<std::string>> {
    if (name == "test._domainkey.football.example.com") {
      return fail(ErrorKind::temporary, "timeout");
    }
    return std::vector<std::string>{};
  });
  auto msg = test::parse_message(test::crlf(kSigned));
  auto results = verifier.verify(msg);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].status, DkimStatus::permerror);
  EXPECT_NE(results[0].reason.find("no key record"), std::string::npos) << results[0].reason;
  EXPECT_EQ(results[1].status, DkimStatus::temperror);
}

TEST(DkimRfc8463, MinimumRsaSizeIsConfigurable) {
  auto keys = rfc_keys();
  DkimOptions options;
  options.min_rsa_bits = 2048;
  DkimVerifier verifier(keys.fetcher(), options);
  auto msg = test::parse_message(test::crlf(kSigned));
  auto results = verifier.verify(msg);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].status, DkimStatus::pass);
  EXPECT_EQ(results[1].status, DkimStatus::permerror);
  EXPECT_NE(results[1].reason.find("RFC 8301"), std::string::npos) << results[1].reason;
}

TEST(DkimRfc8463, KeysThroughTheDnsResolver) {
  dns::StaticResolver zone;
  zone.add_txt("brisbane._domainkey.football.example.com", kEdRecord);
  zone.add_txt("test._domainkey.football.example.com", kRsaRecord);
  DkimVerifier verifier(dns_key_fetcher(zone, dns::Deadline::never()));
  auto msg = test::parse_message(test::crlf(kSigned));
  auto results = verifier.verify(msg);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].status, DkimStatus::pass) << results[0].reason;
  EXPECT_EQ(results[1].status, DkimStatus::pass) << results[1].reason;

  dns::StaticResolver faulty;
  faulty.add_timeout("brisbane._domainkey.football.example.com");
  faulty.add_name("test._domainkey.football.example.com");  // NODATA
  DkimVerifier failing(dns_key_fetcher(faulty, dns::Deadline::never()));
  auto bad = failing.verify(msg);
  ASSERT_EQ(bad.size(), 2U);
  EXPECT_EQ(bad[0].status, DkimStatus::temperror) << bad[0].reason;
  EXPECT_EQ(bad[1].status, DkimStatus::permerror) << bad[1].reason;
}

}  // namespace
}  // namespace mailroom::auth
