// RFC 6376 §3.2 tag lists, §3.5 signatures and §3.6.1 key records: inputs
// that parse and inputs that must fail, side by side, with error positions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/dkim_base64.hpp"
#include "mailroom/auth/arc.hpp"
#include "mailroom/auth/dkim_key.hpp"
#include "mailroom/auth/dkim_signature.hpp"
#include "mailroom/auth/dkim_tag_list.hpp"

namespace mailroom::auth {
namespace {

TEST(DkimTagList, ValidLists) {
  struct Case {
    const char* text;
    std::size_t tags;
    const char* first_value;
  };
  for (const Case& c :
       {Case{"v=1; a=rsa-sha256", 2, "1"}, Case{"  v = 1 ;a=b;", 2, "1"}, Case{"v=", 1, ""},
        Case{"v=one two", 1, "one two"}, Case{"v=ab\r\n cd ; x=1", 2, "ab\r\n cd"}, Case{"", 0, ""},
        Case{"x_1=2", 1, "2"}}) {
    SCOPED_TRACE(c.text);
    auto list = parse_tag_list(c.text);
    ASSERT_TRUE(list) << list.error().describe();
    EXPECT_EQ(list->tags.size(), c.tags);
    if (c.tags > 0) EXPECT_EQ(list->tags[0].value, c.first_value);
  }
}

TEST(DkimTagList, InvalidListsSayWhatAndWhere) {
  struct Case {
    const char* text;
    TagErrorCode code;
    std::size_t offset;
  };
  for (const Case& c :
       {Case{";;", TagErrorCode::bad_tag_name, 0}, Case{"a=b;;c=d", TagErrorCode::bad_tag_name, 4},
        Case{"1a=b", TagErrorCode::bad_tag_name, 0}, Case{"a", TagErrorCode::missing_equals, 1},
        Case{"a b=1", TagErrorCode::bad_tag_name, 2},
        Case{"a=b; a=c", TagErrorCode::duplicate_tag, 5},
        Case{"a=\x01", TagErrorCode::bad_value, 2},
        Case{"a=caf\xc3\xa9", TagErrorCode::bad_value, 5}}) {
    SCOPED_TRACE(c.text);
    auto list = parse_tag_list(c.text);
    ASSERT_FALSE(list);
    EXPECT_EQ(list.error().code, c.code) << list.error().describe();
    EXPECT_EQ(list.error().offset, c.offset) << list.error().describe();
  }
}

TEST(DkimTagList, LimitsAreEnforced) {
  TagListLimits limits;
  limits.max_tags = 2;
  auto many = parse_tag_list("a=1;b=2;c=3", limits);
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code, TagErrorCode::too_many_tags);
  limits.max_bytes = 4;
  auto longer = parse_tag_list("a=12345", limits);
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().code, TagErrorCode::too_long);
  EXPECT_EQ(longer.error().to_error().kind, ErrorKind::limit);
}

TEST(DkimBase64, DecodesWithFoldingAndRejectsJunk) {
  EXPECT_EQ(base64_decode("aGVs\r\n bG8="), "hello");
  EXPECT_EQ(base64_decode("aGVsbG8"), "hello");  // padding is optional
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_FALSE(base64_decode("aGVsbG8=x"));  // data after padding
  EXPECT_FALSE(base64_decode("a"));          // truncated quantum
  EXPECT_FALSE(base64_decode("aGVs!G8="));
  EXPECT_FALSE(base64_decode("aG==="));
}

// The decoder a symbol at a time, as first written: four symbols at once
// must agree with it, result and refusal, wherever white space, padding or
// a bad byte falls.
std::optional<std::string> decoded_a_symbol_at_a_time(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  int pad = 0;
  int symbols = 0;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (char ch : text) {
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') continue;
    if (ch == '=') {
      ++pad;
      continue;
    }
    auto v = kAlphabet.find(ch);
    if (v == std::string_view::npos || pad > 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  int rest = symbols % 4;
  if (rest == 1 || pad > 2 || (pad > 0 && (rest + pad) % 4 != 0)) return std::nullopt;
  return out;
}

TEST(DkimBase64, FourSymbolsAtOnceDecodeAsOneAtATime) {
  const std::string base = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w+/09";
  for (char odd : std::string(" \t\r\n=!-\0\xff", 10))
    for (std::size_t at = 0; at <= base.size(); ++at)
      for (std::size_t cut = at; cut <= base.size(); cut += 3) {
        std::string text = base.substr(0, cut);
        text.insert(std::min(at, text.size()), 1, odd);
        EXPECT_EQ(base64_decode(text), decoded_a_symbol_at_a_time(text))
            << "byte " << int(odd) << " at " << at << " of " << cut;
        std::string padded = text + "=";
        EXPECT_EQ(base64_decode(padded), decoded_a_symbol_at_a_time(padded));
      }
}

// Exactly the bytes, no more (the decoder writes into room for the most
// the text could hold, then cuts it): every length 0-9, with NUL and 0xff
// bytes, each with and without padding and with folding white space.
TEST(DkimBase64, DecodesEveryLengthExactly) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t n = 0; n < 10; ++n) {
    std::string bytes;
    for (std::size_t i = 0; i < n; ++i) bytes += static_cast<char>(i % 2 == 0 ? 0 : 0xff);
    std::string encoded;
    for (std::size_t i = 0; i < n; i += 3) {
      std::uint32_t group = 0;
      for (std::size_t k = 0; k < 3; ++k)
        group = (group << 8) | (i + k < n ? static_cast<unsigned char>(bytes[i + k]) : 0U);
      const std::size_t symbols = std::min<std::size_t>(4, (n - i) * 4 / 3 + 1);
      for (std::size_t k = 0; k < 4; ++k)
        encoded += k < symbols ? kAlphabet[(group >> (18 - 6 * k)) & 63] : '=';
    }
    EXPECT_EQ(base64_decode(encoded), bytes) << n;
    std::string unpadded = encoded;
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    EXPECT_EQ(base64_decode(unpadded), bytes) << n;
    EXPECT_EQ(base64_decode(" " + encoded + "\r\n\t"), bytes) << n;
  }
}

constexpr const char* kSig =
    "v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel;\r\n"
    " h=From : Subject; i=joe@mail.example.com; l=10; t=100; x=200; q=dns/txt;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b= AAAA\r\n BBBB";

TEST(DkimSignatureParse, ReadsEveryTag) {
  auto sig = parse_dkim_signature(kSig);
  ASSERT_TRUE(sig) << sig.error().describe();
  EXPECT_EQ(sig->algorithm, SignatureAlgorithm::rsa_sha256);
  EXPECT_EQ(sig->header_canon, Canonicalization::relaxed);
  EXPECT_EQ(sig->body_canon, Canonicalization::simple);
  EXPECT_EQ(sig->domain, "example.com");
  EXPECT_EQ(sig->selector, "sel");
  EXPECT_EQ(sig->signed_headers, (std::vector<std::string>{"From", "Subject"}));
  EXPECT_EQ(sig->identity, "joe@mail.example.com");
  EXPECT_EQ(sig->length, 10U);
  EXPECT_EQ(sig->timestamp, 100U);
  EXPECT_EQ(sig->expiration, 200U);
  EXPECT_EQ(sig->body_hash.size(), 32U);
  EXPECT_EQ(sig->signature.size(), 6U);
  std::string_view text(kSig);
  EXPECT_EQ(text.substr(sig->b_begin, sig->b_end - sig->b_begin), " AAAA\r\n BBBB");
}

TEST(DkimSignatureParse, DefaultsFollowTheRfc) {
  auto sig =
      parse_dkim_signature("v=1; a=ed25519-sha256; d=example.com; s=s; h=from; bh=AAAA; b=AAAA");
  ASSERT_TRUE(sig) << sig.error().describe();
  EXPECT_EQ(sig->header_canon, Canonicalization::simple);  // §3.5 c= default simple/simple
  EXPECT_EQ(sig->body_canon, Canonicalization::simple);
  EXPECT_EQ(sig->identity, "@example.com");  // §3.5 i= default
  auto relaxed = parse_dkim_signature(
      "v=1; a=rsa-sha256; c=relaxed; d=example.com; s=s; h=from; bh=AAAA; b=AAAA");
  ASSERT_TRUE(relaxed);
  EXPECT_EQ(relaxed->header_canon, Canonicalization::relaxed);
  EXPECT_EQ(relaxed->body_canon, Canonicalization::simple);
}

TEST(DkimSignatureParse, RejectsWhatSection611Rejects) {
  const std::string base = "a=rsa-sha256; d=example.com; s=s; h=from; bh=AAAA; b=AAAA";
  struct Case {
    std::string text;
    TagErrorCode code;
  };
  for (const Case& c :
       {Case{base, TagErrorCode::missing_tag}, Case{"v=2; " + base, TagErrorCode::unsupported},
        Case{"v=1; a=rsa-sha512; d=example.com; s=s; h=from; bh=AAAA; b=AAAA",
             TagErrorCode::unsupported},
        Case{"v=1; a=rsa-sha256; d=example.com; s=s; h=to; bh=AAAA; b=AAAA",
             TagErrorCode::invalid_tag},
        Case{"v=1; i=@example.org; " + base, TagErrorCode::invalid_tag},
        Case{"v=1; i=@badexample.com; " + base, TagErrorCode::invalid_tag},
        Case{"v=1; t=200; x=100; " + base, TagErrorCode::invalid_tag},
        Case{"v=1; c=fancy; " + base, TagErrorCode::invalid_tag},
        Case{"v=1; q=http; " + base, TagErrorCode::unsupported},
        Case{"v=1; l=99999999999999999999999; " + base, TagErrorCode::invalid_tag},
        Case{"v=1; l=-1; " + base, TagErrorCode::invalid_tag},
        Case{"v=1; a=rsa-sha256; d=example..com; s=s; h=from; bh=AAAA; b=AAAA",
             TagErrorCode::invalid_tag},
        Case{"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AAAA; b=",
             TagErrorCode::invalid_tag},
        Case{"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=A!AA; b=AAAA",
             TagErrorCode::invalid_tag}}) {
    SCOPED_TRACE(c.text);
    auto sig = parse_dkim_signature(c.text);
    ASSERT_FALSE(sig);
    EXPECT_EQ(sig.error().code, c.code) << sig.error().describe();
  }
}

TEST(DkimSignatureParse, SignedHeaderListHasALimit) {
  DkimLimits limits;
  limits.max_signed_headers = 3;
  auto sig = parse_dkim_signature(
      "v=1; a=rsa-sha256; d=example.com; s=s; h=from:to:cc:date; bh=AAAA; b=AAAA",
      SignatureKind::dkim, limits);
  ASSERT_FALSE(sig);
  EXPECT_EQ(sig.error().code, TagErrorCode::invalid_tag);
}

TEST(ArcMessageSignatureParse, NeedsAnInstanceAndMustNotSignSeals) {
  const std::string base = "a=rsa-sha256; d=example.org; s=s; bh=AAAA; b=AAAA; ";
  auto ok = parse_dkim_signature(base + "i=3; h=from", SignatureKind::arc_message);
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_EQ(ok->instance, 3U);
  EXPECT_EQ(ok->header_canon, Canonicalization::relaxed);
  for (const char* bad :
       {"h=from", "i=0; h=from", "i=51; h=from", "i=x; h=from", "i=1; h=from:ARC-Seal"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_dkim_signature(base + bad, SignatureKind::arc_message));
  }
}

TEST(ArcSealParse, TagsAndErrors) {
  auto seal = parse_arc_seal("i=2; a=rsa-sha256; cv=pass; d=example.org; s=s; t=5; b=AA AA");
  ASSERT_TRUE(seal) << seal.error().describe();
  EXPECT_EQ(seal->instance, 2U);
  EXPECT_EQ(seal->cv, ArcChainStatus::pass);
  EXPECT_EQ(seal->timestamp, 5U);
  for (const char* bad : {"i=1; a=rsa-sha256; cv=pass; d=example.org; s=s; b=AAAA; h=from",
                          "i=1; a=rsa-sha256; cv=maybe; d=example.org; s=s; b=AAAA",
                          "i=1; a=rsa-sha256; d=example.org; s=s; b=AAAA",
                          "i=1; a=rsa-sha256; cv=none; d=example.org; s=s; t=x; b=AAAA"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_arc_seal(bad));
  }
  EXPECT_EQ(parse_aar_instance(" i=4; mx.example.org; spf=pass"), 4U);
  EXPECT_EQ(parse_aar_instance("i = 1 ;x"), 1U);
  EXPECT_FALSE(parse_aar_instance(" mx.example.org; i=1; spf=pass"));
  EXPECT_FALSE(parse_aar_instance(" i=1 mx.example.org"));
  EXPECT_FALSE(parse_aar_instance(" i=0;"));
}

TEST(DkimKeyParse, RecordsAndFlags) {
  auto key = parse_dkim_key("v=DKIM1; k=ed25519; h=sha256; s=email:tlsrpt; t=y:s; n=hi; p=AAAA");
  ASSERT_TRUE(key) << key.error().describe();
  EXPECT_EQ(key->key_type, KeyType::ed25519);
  EXPECT_TRUE(key->testing);
  EXPECT_TRUE(key->strict);
  EXPECT_TRUE(key->allows_hash("sha256"));
  EXPECT_FALSE(key->allows_hash("sha1"));
  EXPECT_TRUE(key->allows_email());
  EXPECT_TRUE(key->fits(SignatureAlgorithm::ed25519_sha256));
  EXPECT_FALSE(key->fits(SignatureAlgorithm::rsa_sha256));
  auto revoked = parse_dkim_key("v=DKIM1; p=");
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(revoked->public_key.empty());
  EXPECT_EQ(revoked->key_type, KeyType::rsa);
  auto other_service = parse_dkim_key("s=tlsrpt; p=AAAA");
  ASSERT_TRUE(other_service);
  EXPECT_FALSE(other_service->allows_email());
}

TEST(DkimKeyParse, InvalidRecords) {
  struct Case {
    const char* text;
    TagErrorCode code;
  };
  for (const Case& c : {Case{"k=rsa; v=DKIM1; p=AAAA", TagErrorCode::invalid_tag},
                        Case{"v=DKIM2; p=AAAA", TagErrorCode::unsupported},
                        Case{"v=DKIM1; k=dsa; p=AAAA", TagErrorCode::unsupported},
                        Case{"v=DKIM1; k=rsa", TagErrorCode::missing_tag},
                        Case{"v=DKIM1; p=A*AA", TagErrorCode::invalid_tag},
                        Case{"v=spf1 -all", TagErrorCode::unsupported},
                        Case{"p=AAAA; junk", TagErrorCode::missing_equals}}) {
    SCOPED_TRACE(c.text);
    auto key = parse_dkim_key(c.text);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, c.code) << key.error().describe();
  }
}

}  // namespace
}  // namespace mailroom::auth
