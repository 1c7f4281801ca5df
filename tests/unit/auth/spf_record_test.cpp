// The SPF record grammar: records that must parse and records that must not,
// side by side (RFC 7208 §4.5, §4.6, §5, §6, §12).
#include "mailroom/auth/spf_record.hpp"

#include <gtest/gtest.h>

namespace mailroom::auth {
namespace {

TEST(SpfRecord, Version) {
  EXPECT_TRUE(is_spf_record("v=spf1"));
  EXPECT_TRUE(is_spf_record("V=SpF1 -all"));
  EXPECT_FALSE(is_spf_record("v=spf10"));
  EXPECT_FALSE(is_spf_record("v=spf1mx"));
  EXPECT_FALSE(is_spf_record("spf1"));
}

TEST(SpfRecord, ParsesEveryMechanismAndModifier) {
  auto r = parse_spf_record(
      "v=spf1 +all -include:_spf.example.com ~a ?a:mail.%{d}/24//64 mx/28 mx:example.org "
      "ptr ptr:example.net ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{ir}.bl.example.com "
      "redirect=_spf.example.org exp=explain.%{d} moo.cow-far_out=man:dog/cat   ");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->mechanisms.size(), 11U);
  EXPECT_EQ(r->mechanisms[0].kind, SpfMechanismKind::all);
  EXPECT_EQ(r->mechanisms[1].qualifier, SpfCode::fail);
  EXPECT_EQ(r->mechanisms[1].domain_spec, "_spf.example.com");
  EXPECT_EQ(r->mechanisms[2].qualifier, SpfCode::softfail);
  EXPECT_EQ(r->mechanisms[3].qualifier, SpfCode::neutral);
  EXPECT_EQ(r->mechanisms[3].domain_spec, "mail.%{d}");
  EXPECT_EQ(r->mechanisms[3].cidr4, 24U);
  EXPECT_EQ(r->mechanisms[3].cidr6, 64U);
  EXPECT_EQ(r->mechanisms[4].cidr4, 28U);
  EXPECT_EQ(r->mechanisms[4].cidr6, 128U);
  EXPECT_EQ(r->mechanisms[8].network.to_string(), "192.0.2.0");
  EXPECT_EQ(r->mechanisms[9].cidr6, 32U);
  EXPECT_TRUE(r->mechanisms[10].queries_dns());
  EXPECT_FALSE(r->mechanisms[8].queries_dns());
  EXPECT_EQ(r->redirect, "_spf.example.org");
  EXPECT_EQ(r->exp, "explain.%{d}");
  ASSERT_EQ(r->unknown_modifiers.size(), 1U);
  EXPECT_EQ(r->unknown_modifiers[0].name, "moo.cow-far_out");
}

TEST(SpfRecord, DomainSpecMayHoldColonAndSlash) {
  auto r = parse_spf_record("v=spf1 a:foo:bar/baz.example.com mx:foo.example.com/24");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->mechanisms[0].domain_spec, "foo:bar/baz.example.com");
  EXPECT_EQ(r->mechanisms[1].domain_spec, "foo.example.com");
  EXPECT_EQ(r->mechanisms[1].cidr4, 24U);
}

TEST(SpfRecord, RejectsBadSyntax) {
  for (const char* bad : {"v=spf1 -all.",
                          "v=spf1 all:x",
                          "v=spf1 all/8",
                          "v=spf1 foo",
                          "v=spf1 =all",
                          "v=spf1 1up=foo",
                          "v=spf1 redirect:example.com",
                          "v=spf1 a:museum",
                          "v=spf1 a:museum.",
                          "v=spf1 a:abc.123",
                          "v=spf1 a:example.-com",
                          "v=spf1 a:",
                          "v=spf1 a/33",
                          "v=spf1 a//129",
                          "v=spf1 a/24/64",
                          "v=spf1 a:example.com:8080",
                          "v=spf1 include",
                          "v=spf1 include:",
                          "v=spf1 exists",
                          "v=spf1 exists:a.example.com/24",
                          "v=spf1 ptr/0",
                          "v=spf1 ptr:",
                          "v=spf1 ip4",
                          "v=spf1 ip4:1.2.3",
                          "v=spf1 ip4:1.2.3.4/33",
                          "v=spf1 ip4:1.2.3.4/032",
                          "v=spf1 ip4:1.2.3.4//32",
                          "v=spf1 ip4:1.2.3.4:8080",
                          "v=spf1 ip4:::1",
                          "v=spf1 ip6:1.2.3.4",
                          "v=spf1 ip6::CAFE::BABE",
                          "v=spf1 ip6:::1/129",
                          "v=spf1 ip6:::1//33",
                          "v=spf1 exp=",
                          "v=spf1 exp=-all",
                          "v=spf1 redirect=a.example.com redirect=b.example.com",
                          "v=spf1 exp=a.example.com exp=b.example.com",
                          "v=spf1 foo=%abc",
                          "v=spf1 a:%{x}.example.com",
                          "v=spf1 exists:%(ir).example.com",
                          "v=spf1 exists:foo%.example.com",
                          "v=spf1 exp=%{r}.example.com",
                          "v=spf1 a:ctrl.example.com\rptr",
                          "v=spf1 ip4:192.0.2.5\n",
                          "v=spf1 a:\xc3\xafgarbage.example.net"}) {
    auto r = parse_spf_record(std::string_view(bad, std::char_traits<char>::length(bad)));
    EXPECT_FALSE(r) << "accepted: " << bad;
  }
  // An embedded NUL (the suite's "a-null").
  const std::string nul("v=spf1 a:foo.example.com\0", 25);
  EXPECT_FALSE(parse_spf_record(nul));
}

TEST(SpfRecord, EnforcesLimits) {
  SpfLimits limits;
  limits.max_terms = 3;
  EXPECT_TRUE(parse_spf_record("v=spf1 a mx -all", limits));
  auto r = parse_spf_record("v=spf1 a mx ptr -all", limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::limit);
  limits.max_record_bytes = 10;
  EXPECT_FALSE(parse_spf_record("v=spf1 ip4:192.0.2.1", limits));
}

}  // namespace
}  // namespace mailroom::auth
