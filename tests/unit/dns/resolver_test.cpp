// IpAddress, StaticResolver and CachingResolver: no network.
#include <gtest/gtest.h>

#include "mailroom/dns/caching_resolver.hpp"
#include "mailroom/dns/static_resolver.hpp"

namespace mailroom::dns {
namespace {

TEST(IpAddress, ParsesAndPrints) {
  auto v4 = IpAddress::parse("192.0.2.10");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->to_string(), "192.0.2.10");
  EXPECT_EQ(v4->reverse_name(), "10.2.0.192.in-addr.arpa");
  auto v6 = IpAddress::parse("2001:DB8::1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->to_string(), "2001:db8::1");
  EXPECT_EQ(v6->reverse_name(),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "01.2.3.4x", "::g", "1.2.3.4 "}) {
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  }
}

TEST(IpAddress, MappedAndNetworks) {
  auto mapped = IpAddress::parse("::ffff:1.2.3.4");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->is_v4_mapped());
  EXPECT_EQ(mapped->unmapped(), *IpAddress::parse("1.2.3.4"));
  auto ip = *IpAddress::parse("192.0.2.200");
  EXPECT_TRUE(ip.in_network(*IpAddress::parse("192.0.2.0"), 24));
  EXPECT_TRUE(ip.in_network(*IpAddress::parse("192.0.2.128"), 25));
  EXPECT_FALSE(ip.in_network(*IpAddress::parse("192.0.2.0"), 25));
  EXPECT_TRUE(ip.in_network(*IpAddress::parse("10.0.0.0"), 0));
  EXPECT_FALSE(ip.in_network(*IpAddress::parse("::"), 0)) << "families never match";
  auto v6 = *IpAddress::parse("cafe:babe:8000::1");
  EXPECT_TRUE(v6.in_network(*IpAddress::parse("cafe:babe:8000::"), 33));
  EXPECT_FALSE(v6.in_network(*IpAddress::parse("cafe:babe::"), 33));
}

TEST(QueryName, Validity) {
  EXPECT_TRUE(is_valid_query_name("example.com"));
  EXPECT_TRUE(is_valid_query_name("example.com."));
  EXPECT_FALSE(is_valid_query_name(""));
  EXPECT_FALSE(is_valid_query_name("a..b"));
  EXPECT_FALSE(is_valid_query_name(std::string(64, 'a') + ".com"));
  EXPECT_TRUE(is_valid_query_name(std::string(63, 'a') + ".com"));
  EXPECT_EQ(canonical_name("WWW.Example.COM."), "www.example.com");
}

TEST(StaticResolver, LoadsZoneText) {
  StaticResolver zone;
  ASSERT_TRUE(zone.load(R"(# comment
example.com   TXT  "v=spf1 " "mx -all"
example.com   TXT  hello world
example.com   MX   10 mail.example.com.
mail.example.com A 192.0.2.1
mail.example.com AAAA 2001:db8::25
alias.example.com CNAME example.com
1.2.0.192.in-addr.arpa PTR mail.example.com.
slow.example.com TIMEOUT
)"));
  const auto d = Deadline::never();
  auto txt = zone.query("EXAMPLE.com.", RecordType::txt, d);
  ASSERT_TRUE(txt);
  EXPECT_EQ(txt->texts, (std::vector<std::string>{"v=spf1 mx -all", "hello world"}));
  auto via_alias = zone.query("alias.example.com", RecordType::mx, d);
  ASSERT_TRUE(via_alias);
  EXPECT_EQ(via_alias->exchanges, (std::vector<MxRecord>{{10, "mail.example.com"}}));
  EXPECT_EQ(zone.query("mail.example.com", RecordType::txt, d)->kind, AnswerKind::nodata);
  EXPECT_EQ(zone.query("none.example.com", RecordType::a, d)->kind, AnswerKind::nxdomain);
  auto slow = zone.query("slow.example.com", RecordType::a, d);
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().kind, ErrorKind::temporary);
  EXPECT_FALSE(zone.load("x.com BOGUS 1"));
  EXPECT_FALSE(zone.load("x.com A not-an-ip"));
}

TEST(StaticResolver, FaultAfterRecordsOnlyHitsOtherTypes) {
  StaticResolver zone;
  zone.add_txt("t.example", "v=spf1 -all");
  zone.add_timeout("t.example");
  EXPECT_TRUE(zone.query("t.example", RecordType::txt, Deadline::never()));
  EXPECT_FALSE(zone.query("t.example", RecordType::a, Deadline::never()));
}

TEST(StaticResolver, CnameLoopIsTemporary) {
  StaticResolver zone;
  zone.add_cname("a.example", "b.example");
  zone.add_cname("b.example", "a.example");
  auto r = zone.query("a.example", RecordType::a, Deadline::never());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
}

TEST(CachingResolver, AsksOncePerNameAndType) {
  StaticResolver zone;
  zone.add_address("host.example", *IpAddress::parse("192.0.2.1"));
  zone.add_timeout("slow.example");
  CachingResolver cache(zone);
  for (int i = 0; i < 3; ++i) {
    auto r =
        cache.query(i == 1 ? "HOST.example." : "host.example", RecordType::a, Deadline::never());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->addresses.size(), 1U);
    EXPECT_FALSE(cache.query("slow.example", RecordType::a, Deadline::never()));
  }
  EXPECT_TRUE(cache.query("host.example", RecordType::aaaa, Deadline::never()));
  EXPECT_EQ(zone.queries(), 3U);
  EXPECT_EQ(cache.misses(), 3U);
  EXPECT_EQ(cache.hits(), 4U);
}

// Records what is sent ahead to it.
class AheadRecorder final : public Resolver {
 public:
  Result<Answer> query(std::string_view, RecordType, Deadline) override { return Answer::nodata(); }
  void send_ahead(std::string_view name, RecordType) override { names.emplace_back(name); }
  std::vector<std::string> names;
};

TEST(CachingResolver, SendsAheadOnlyWhatItHasNotCached) {
  AheadRecorder inner;
  CachingResolver cache(inner);
  ASSERT_TRUE(cache.query("known.example", RecordType::txt, Deadline::never()));
  cache.send_ahead("Known.Example.", RecordType::txt);
  cache.send_ahead("known.example", RecordType::a);
  cache.send_ahead("new.example", RecordType::txt);
  EXPECT_EQ(inner.names, (std::vector<std::string>{"known.example", "new.example"}));
}

TEST(StaticResolver, SendAheadIsAHintOnly) {
  StaticResolver zone;
  zone.send_ahead("host.example", RecordType::a);
  EXPECT_EQ(zone.queries(), 0U);
}

}  // namespace
}  // namespace mailroom::dns
