// check_host() on small zones: what it reports besides the result code.
#include <gtest/gtest.h>

#include "mailroom/auth/spf.hpp"
#include "mailroom/dns/static_resolver.hpp"

namespace mailroom::auth {
namespace {

dns::IpAddress ip(const char* text) { return *dns::IpAddress::parse(text); }

class SpfCheckHost : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(zone_.load(R"(
example.org        TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all exp=why.example.org"
why.example.org    TXT "%{i} is not one of %{d}'s mail servers"
_spf.example.net   TXT "v=spf1 a:out.example.net mx:example.net ~all"
out.example.net    A   198.51.100.7
example.net        MX  10 mx.example.net
mx.example.net     AAAA 2001:db8::25
redir.example.org  TXT "v=spf1 redirect=example.org"
slow.example.org   TXT "v=spf1 a:dead.example.org -all"
dead.example.org   TIMEOUT
helo.example.org   TXT "v=spf1 a -all"
helo.example.org   A   203.0.113.9
)"));
  }
  dns::StaticResolver zone_;
};

TEST_F(SpfCheckHost, PassReportsMechanismAndRecord) {
  auto r = check_mail_from(ip("192.0.2.77"), "alice@example.org", "mx.example.org", zone_);
  EXPECT_EQ(r.code, SpfCode::pass);
  EXPECT_EQ(r.mechanism, "ip4:192.0.2.0/24");
  EXPECT_EQ(r.domain, "example.org");
  EXPECT_EQ(r.record.rfind("v=spf1 ip4:", 0), 0U);
  EXPECT_NE(r.why.find("192.0.2.77 matched 'ip4:192.0.2.0/24'"), std::string::npos) << r.why;
  EXPECT_EQ(r.dns_terms, 0);
}

TEST_F(SpfCheckHost, PassThroughInclude) {
  auto r = check_mail_from(ip("198.51.100.7"), "alice@example.org", "mx.example.org", zone_);
  EXPECT_EQ(r.code, SpfCode::pass);
  EXPECT_EQ(r.mechanism, "include:_spf.example.net");
  EXPECT_NE(r.why.find("a:out.example.net"), std::string::npos) << r.why;
  EXPECT_EQ(r.dns_terms, 2);
}

TEST_F(SpfCheckHost, Ipv6ThroughMx) {
  auto r = check_mail_from(ip("2001:db8::25"), "alice@example.org", "", zone_);
  EXPECT_EQ(r.code, SpfCode::pass) << r.why;
}

TEST_F(SpfCheckHost, FailCarriesExplanation) {
  auto r = check_mail_from(ip("203.0.113.1"), "alice@example.org", "mx.example.org", zone_);
  EXPECT_EQ(r.code, SpfCode::fail);
  EXPECT_EQ(r.mechanism, "-all");
  EXPECT_EQ(r.explanation, "203.0.113.1 is not one of example.org's mail servers");
}

TEST_F(SpfCheckHost, RedirectNamesBothDomains) {
  auto r = check_mail_from(ip("203.0.113.1"), "bob@redir.example.org", "x.example", zone_);
  EXPECT_EQ(r.code, SpfCode::fail);
  EXPECT_EQ(r.domain, "example.org");
  EXPECT_NE(r.why.find("redir.example.org redirects to example.org"), std::string::npos) << r.why;
}

TEST_F(SpfCheckHost, TimeoutIsTemperror) {
  auto r = check_mail_from(ip("192.0.2.1"), "a@slow.example.org", "x.example", zone_);
  EXPECT_EQ(r.code, SpfCode::temperror);
  EXPECT_NE(r.why.find("timeout"), std::string::npos) << r.why;
}

TEST_F(SpfCheckHost, SpentDeadlineIsTemperror) {
  auto r = check_mail_from(ip("192.0.2.1"), "a@example.org", "x.example", zone_, {},
                           dns::Deadline::after(std::chrono::milliseconds(0)));
  EXPECT_EQ(r.code, SpfCode::temperror);
}

TEST_F(SpfCheckHost, NoRecordIsNone) {
  auto r = check_mail_from(ip("192.0.2.1"), "a@nowhere.example", "x.example", zone_);
  EXPECT_EQ(r.code, SpfCode::none);
  EXPECT_NE(r.why.find("no SPF record"), std::string::npos) << r.why;
}

TEST_F(SpfCheckHost, HeloIdentity) {
  EXPECT_EQ(check_helo(ip("203.0.113.9"), "helo.example.org", zone_).code, SpfCode::pass);
  EXPECT_EQ(check_helo(ip("203.0.113.8"), "helo.example.org", zone_).code, SpfCode::fail);
  // An empty MAIL FROM checks the HELO name (RFC 7208 §2.4).
  EXPECT_EQ(check_mail_from(ip("203.0.113.9"), "", "helo.example.org", zone_).code, SpfCode::pass);
  EXPECT_EQ(check_helo(ip("203.0.113.9"), "[203.0.113.9]", zone_).code, SpfCode::none);
}

TEST_F(SpfCheckHost, LookupLimitIsConfigurable) {
  SpfLimits limits;
  limits.max_dns_terms = 1;
  auto r = check_mail_from(ip("198.51.100.7"), "alice@example.org", "x.example", zone_, limits);
  EXPECT_EQ(r.code, SpfCode::permerror);
  EXPECT_NE(r.why.find("more than 1 DNS"), std::string::npos) << r.why;
}

}  // namespace
}  // namespace mailroom::auth
