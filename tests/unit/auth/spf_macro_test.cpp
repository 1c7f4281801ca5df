// SPF macros (RFC 7208 §7), including the examples of §7.4.
#include "mailroom/auth/spf_macro.hpp"

#include <gtest/gtest.h>

namespace mailroom::auth {
namespace {

SpfMacroContext example(const char* ip) {
  SpfMacroContext ctx;
  ctx.sender = "strong-bad@email.example.com";
  ctx.local_part = "strong-bad";
  ctx.sender_domain = "email.example.com";
  ctx.domain = "email.example.com";
  ctx.helo = "mx.example.org";
  ctx.receiver = "mx.example.net";
  ctx.ip = *dns::IpAddress::parse(ip);
  ctx.timestamp = 1700000000;
  return ctx;
}

std::string expand(const char* text, const SpfMacroContext& ctx,
                   MacroUse use = MacroUse::domain_spec) {
  auto r = expand_macros(text, ctx, use);
  return r ? *r : "ERROR: " + r.error().message;
}

TEST(SpfMacro, Rfc7208Section74Examples) {
  const auto ctx = example("192.0.2.3");
  EXPECT_EQ(expand("%{s}", ctx, MacroUse::explanation), "strong-bad@email.example.com");
  EXPECT_EQ(expand("%{o}", ctx), "email.example.com");
  EXPECT_EQ(expand("%{d}", ctx), "email.example.com");
  EXPECT_EQ(expand("%{d4}", ctx), "email.example.com");
  EXPECT_EQ(expand("%{d3}", ctx), "email.example.com");
  EXPECT_EQ(expand("%{d2}", ctx), "example.com");
  EXPECT_EQ(expand("%{d1}", ctx), "com");
  EXPECT_EQ(expand("%{dr}", ctx), "com.example.email");
  EXPECT_EQ(expand("%{d2r}", ctx), "example.email");
  EXPECT_EQ(expand("%{l}", ctx), "strong-bad");
  EXPECT_EQ(expand("%{l-}", ctx), "strong.bad");
  EXPECT_EQ(expand("%{lr}", ctx), "strong-bad");
  EXPECT_EQ(expand("%{lr-}", ctx), "bad.strong");
  EXPECT_EQ(expand("%{l1r-}", ctx), "strong");
  EXPECT_EQ(expand("%{ir}.%{v}._spf.%{d2}", ctx), "3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(expand("%{lr-}.lp._spf.%{d2}", ctx), "bad.strong.lp._spf.example.com");
  EXPECT_EQ(expand("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", ctx),
            "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", ctx),
            "3.2.0.192.in-addr.strong.lp._spf.example.com");
  EXPECT_EQ(expand("%{d2}.trusted-domains.example.net", ctx),
            "example.com.trusted-domains.example.net");
  const auto ctx6 = example("2001:db8::cb01");
  EXPECT_EQ(expand("%{ir}.%{v}._spf.%{d2}", ctx6),
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
}

TEST(SpfMacro, EscapesAndExplanationLetters) {
  auto ctx = example("192.0.2.3");
  ctx.local_part = "~jack&jill=up-a_b3.c";
  EXPECT_EQ(expand("%{L}", ctx), "~jack%26jill%3Dup-a_b3.c");
  EXPECT_EQ(expand("a%%b%_c%-d.example.com", ctx), "a%b c%20d.example.com");
  EXPECT_EQ(expand("%{c} via %{r} at %{t}", ctx, MacroUse::explanation),
            "192.0.2.3 via mx.example.net at 1700000000");
  EXPECT_EQ(expand("%{p}", ctx), "unknown");
  ctx.validated_name = [] { return std::string("mail.example.com"); };
  EXPECT_EQ(expand("%{p2}", ctx), "example.com");
}

TEST(SpfMacro, Syntax) {
  EXPECT_TRUE(check_macro_string("%{d}", MacroUse::domain_spec));
  EXPECT_TRUE(check_macro_string("%{i}.example.com.", MacroUse::domain_spec));
  EXPECT_FALSE(check_macro_string("%{c}.example.com", MacroUse::domain_spec));
  EXPECT_TRUE(check_macro_string("%{c} is not allowed", MacroUse::explanation));
  EXPECT_FALSE(check_macro_string("%{d0}.example.com", MacroUse::domain_spec));
  EXPECT_FALSE(check_macro_string("%{d2x}.example.com", MacroUse::domain_spec));
  EXPECT_FALSE(check_macro_string("%{d", MacroUse::domain_spec));
  EXPECT_FALSE(check_macro_string("50%", MacroUse::explanation));
  EXPECT_FALSE(check_macro_string("tab\there", MacroUse::explanation));
  EXPECT_FALSE(check_macro_string("a b.example.com", MacroUse::domain_spec));
  EXPECT_TRUE(check_macro_string("%{d}.foo-bar", MacroUse::domain_spec));
  EXPECT_FALSE(check_macro_string("%{d}.-foo", MacroUse::domain_spec));
}

TEST(SpfMacro, LongDomainsLoseLabelsOnTheLeft) {
  auto ctx = example("192.0.2.3");
  const std::string label(60, 'x');
  const std::string domain = label + "." + label + "." + label + "." + label + ".example.com";
  ctx.domain = domain;  // 256 octets
  auto r = expand_macros("%{d}", ctx, MacroUse::domain_spec);
  ASSERT_TRUE(r);
  EXPECT_LE(r->size(), 253U);
  EXPECT_EQ(*r, label + "." + label + "." + label + ".example.com");
}

}  // namespace
}  // namespace mailroom::auth
