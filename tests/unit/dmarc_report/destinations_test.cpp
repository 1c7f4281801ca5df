// rua= destinations: mailto only, size limits carried, external ones only
// when verified (RFC 7489 §7.1).
#include "dmarc_report/destinations.hpp"

#include <gtest/gtest.h>

#include "mailroom/dns/static_resolver.hpp"

namespace mailroom::dmarc_report {
namespace {

auth::PublicSuffixList psl() { return auth::PublicSuffixList::from_text("com\nnet\nexample\n"); }

Destinations of(std::string_view record_text, dns::StaticResolver& resolver) {
  auto record = auth::parse_dmarc_record(record_text);
  EXPECT_TRUE(record) << record_text;
  return destinations("example.com", *record, resolver, psl());
}

TEST(DmarcDestinations, SameOrganisationNeedsNoVerification) {
  dns::StaticResolver resolver;
  auto d = of("v=DMARC1; p=none; rua=mailto:d@example.com,mailto:x%40y@reports.example.com!10m",
              resolver);
  ASSERT_EQ(d.verified.size(), 2U);
  EXPECT_EQ(d.verified[0].address, "d@example.com");
  EXPECT_FALSE(d.verified[0].max_bytes);
  EXPECT_EQ(d.verified[1].address, "x@y@reports.example.com");
  EXPECT_EQ(d.verified[1].max_bytes, 10ULL << 20);
}

TEST(DmarcDestinations, ExternalOnlyWhenVerified) {
  dns::StaticResolver resolver;
  resolver.add_txt("example.com._report._dmarc.agg.example.net", "v=DMARC1");
  resolver.add_txt("example.com._report._dmarc.other.example.net", "v=spf1 -all");
  resolver.add_name("example.com._report._dmarc.none.example.net");
  auto d =
      of("v=DMARC1; p=none; rua=mailto:r@agg.example.net,mailto:r@other.example.net,"
         "mailto:r@none.example.net",
         resolver);
  ASSERT_EQ(d.verified.size(), 1U);
  EXPECT_EQ(d.verified[0].address, "r@agg.example.net");
  EXPECT_EQ(d.notes.size(), 2U);
  EXPECT_FALSE(d.retry_later);
}

TEST(DmarcDestinations, DnsTroubleIsRetriedLater) {
  dns::StaticResolver resolver;
  resolver.add_servfail("example.com._report._dmarc.agg.example.net");
  auto d = of("v=DMARC1; p=none; rua=mailto:r@agg.example.net", resolver);
  EXPECT_TRUE(d.verified.empty());
  EXPECT_TRUE(d.retry_later);
}

TEST(DmarcDestinations, OnlyPlainMailto) {
  dns::StaticResolver resolver;
  auto d =
      of("v=DMARC1; p=none; rua=https://example.com/r,mailto:-oQ@example.com,"
         "mailto:a%20b@example.com,mailto:ok@example.com?subject=x",
         resolver);
  ASSERT_EQ(d.verified.size(), 1U);
  EXPECT_EQ(d.verified[0].address, "ok@example.com");
  EXPECT_EQ(d.notes.size(), 3U);
}

}  // namespace
}  // namespace mailroom::dmarc_report
