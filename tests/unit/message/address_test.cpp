#include "mailroom/message/address.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailroom::message {
namespace {

// "name|addr-spec|group" per address, ';'-separated.
std::string flat(std::string_view value) {
  std::string out;
  for (const Address& a : parse_address_list(value)) {
    out += a.display_name + "|" + a.addr_spec() + "|" + a.group + ";";
  }
  return out;
}

struct Case {
  const char* in;
  const char* out;
};

TEST(Address, Table) {
  const std::vector<Case> cases = {
      {"a@example.com", "|a@example.com|;"},
      {"John Doe <jdoe@example.com>", "John Doe|jdoe@example.com|;"},
      {"\"Doe, John\" <jdoe@example.com>, b@x", "Doe, John|jdoe@example.com|;|b@x|;"},
      {"jdoe@example.com (John Doe)", "John Doe|jdoe@example.com|;"},
      {"John (the man) Doe <j@x>", "John Doe|j@x|;"},
      {"\"a b\"@example.com", "|\"a b\"@example.com|;"},
      {"\"a\\\"b\"@x", "|\"a\\\"b\"@x|;"},
      {"<@route1,@route2:user@x>", "|user@x|;"},
      {"Team: a@x, B <b@y>; c@z", "|a@x|Team;B|b@y|Team;|c@z|;"},
      {"undisclosed-recipients:;", ""},
      {"=?utf-8?q?J=C3=B6rg?= <j@x>", "J\xc3\xb6rg|j@x|;"},
      {"J\xc3\xb6rg <j\xc3\xb6@b\xc3\xbc\x63her.de>",
       "J\xc3\xb6rg|j\xc3\xb6@b\xc3\xbc\x63her.de|;"},
      {"John Q. Public <jqp@x>", "John Q. Public|jqp@x|;"},
      {"a@[192.0.2.1]", "|a@[192.0.2.1]|;"},
      {"a @ example . com", "|a@example.com|;"},
      {",,a@x,,", "|a@x|;"},
      {"postmaster", "|postmaster|;"},
      {"<>", "||;"},
      {"\"\" <>", "||;"},
      {"Broken <a@x", "Broken|a@x|;"},
      {"\"unterminated <a@x>", "|\"unterminated <a@x>\"|;"},  // quote runs to the end
      {"a@b@c", "|\"a@b\"@c|;"},
      {"(((nested) comment) ) x@y", "((nested) comment)|x@y|;"},
      {"", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(flat(c.in), c.out);
  }
}

TEST(Address, LimitAndDeepComments) {
  std::string many;
  for (int i = 0; i < 50; ++i) many += "a" + std::to_string(i) + "@x, ";
  Limits l;
  l.max_addresses = 10;
  EXPECT_EQ(parse_address_list(many, l).size(), 10U);
  // 100,000 nested comments: no recursion, no crash.
  const std::string deep = std::string(100000, '(') + "x@y";
  EXPECT_TRUE(parse_address_list(deep).empty());
}

// Found by fuzz_message_addresses: a header of many "name:" tokens and no
// commas made every group start rescan to the end (quadratic).
TEST(Address, ManyColonsStayLinear) {
  std::string v;
  for (int i = 0; i < 50000; ++i) v += "X-H: v ";
  v += "last@x";
  const auto list = parse_address_list(v);
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0].addr_spec(), "vlast@x");
}

TEST(Address, Mailbox) {
  const auto a = parse_mailbox("Bob <bob@example.org>, other@x");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->addr_spec(), "bob@example.org");
  EXPECT_FALSE(parse_mailbox("group:;").has_value());
}

TEST(Address, Detail) {
  AddressSplit s = split_address("user+tag+more@example.com");
  EXPECT_EQ(s.local, "user");
  EXPECT_EQ(s.detail, "tag+more");
  EXPECT_EQ(s.domain, "example.com");
  EXPECT_TRUE(s.has_detail);
  s = split_address("user-list@x", "-+");
  EXPECT_EQ(s.local, "user");
  EXPECT_EQ(s.detail, "list");
  s = split_address("plain@x");
  EXPECT_FALSE(s.has_detail);
  EXPECT_EQ(s.local, "plain");
  s = split_address("user+@x");
  EXPECT_TRUE(s.has_detail);
  EXPECT_EQ(s.detail, "");
}

TEST(Idna, ToAscii) {
  // RFC 3492 §7.1 sample and common IDN domains.
  EXPECT_EQ(domain_to_ascii("b\xc3\xbc\x63her.de"), "xn--bcher-kva.de");
  EXPECT_EQ(domain_to_ascii("M\xc3\xbcnchen.Example"), "xn--mnchen-3ya.example");
  EXPECT_EQ(domain_to_ascii("\xe4\xbe\x8b\xe3\x81\x88.jp"), "xn--r8jz45g.jp");
  EXPECT_EQ(domain_to_ascii("EXAMPLE.com"), "example.com");
  EXPECT_FALSE(domain_to_ascii("bad\xff.de").has_value());
  EXPECT_FALSE(domain_to_ascii(std::string(70, 'a') + ".de").has_value());
}

TEST(Idna, ToUnicode) {
  EXPECT_EQ(domain_to_unicode("xn--bcher-kva.de"), "b\xc3\xbc\x63her.de");
  EXPECT_EQ(domain_to_unicode("XN--r8jz45g.jp"), "\xe4\xbe\x8b\xe3\x81\x88.jp");
  EXPECT_EQ(domain_to_unicode("plain.org"), "plain.org");
  EXPECT_FALSE(domain_to_unicode("xn--!!.de").has_value());
  for (const char* d :
       {"b\xc3\xbc\x63her.de", "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.rf"}) {
    EXPECT_EQ(domain_to_unicode(*domain_to_ascii(d)), d);
  }
}

// UTS #46 §4 mapping and RFC 5891/5892 validity, which the own Punycode
// code before libidn2 did not apply: it encoded upper case, decomposed and
// full-width forms as they came (so one domain had several A-labels and
// DMARC alignment failed) and encoded what IDNA2008 disallows.
TEST(Idna, Uts46MapsToOneForm) {
  EXPECT_EQ(domain_to_ascii("B\xc3\x9c\x43HER.de"), "xn--bcher-kva.de");   // "BÜCHER": case fold
  EXPECT_EQ(domain_to_ascii("bu\xcc\x88\x63her.de"), "xn--bcher-kva.de");  // u + U+0308: NFC
  // U+3002 IDEOGRAPHIC FULL STOP separates labels (UTS #46 §4 step 1).
  EXPECT_EQ(domain_to_ascii("\xe4\xbe\x8b\xe3\x81\x88\xe3\x80\x82jp"), "xn--r8jz45g.jp");
  // Full-width "ＡＢｃ" maps to ASCII "abc".
  EXPECT_EQ(domain_to_ascii("\xef\xbc\xa1\xef\xbc\xa2\xef\xbd\x83.com"), "abc.com");
  // Non-transitional: "ß" stays (RFC 5892 PVALID), it is not mapped to "ss".
  EXPECT_EQ(domain_to_ascii("fa\xc3\x9f.de"), "xn--fa-hia.de");
  EXPECT_EQ(domain_to_ascii("XN--BCHER-KVA.de"), "xn--bcher-kva.de");
}

TEST(Idna, RefusesWhatIdna2008Disallows) {
  EXPECT_FALSE(domain_to_ascii("a\xe2\x99\xa5.com").has_value());  // U+2665: DISALLOWED (RFC 5892)
  EXPECT_FALSE(domain_to_ascii("\xcc\x81\x61.com")
                   .has_value());  // leading combining mark (RFC 5891 §4.2.3.2)
  EXPECT_FALSE(domain_to_ascii("a\xe2\x80\x8d\x62.com")
                   .has_value());                         // ZWJ outside its context (RFC 5892 A.2)
  EXPECT_FALSE(domain_to_ascii("xn--a.de").has_value());  // decodes to U+0080
  // "xn--a" is Punycode for the control U+0080: not a U-label (UTS #46 §4 step 4).
  EXPECT_FALSE(domain_to_unicode("xn--a.de").has_value());
  EXPECT_FALSE(domain_to_unicode(std::string("xn--bcher-kva\0.de", 17)).has_value());
}

}  // namespace
}  // namespace mailroom::message
