#include "mailroom/spam/tokenize.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "unit/spam/message_builder.hpp"

namespace mailroom::spam {
namespace {

std::vector<std::string> texts(const Tokens& t) {
  std::vector<std::string> out;
  for (const auto& tok : t.tokens) out.push_back(tok.text);
  return out;
}

bool has(const Tokens& t, const std::string& s) {
  const auto v = texts(t);
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Tokenize, HeaderWordsArePrefixedByTheirField) {
  const auto msg = test::parse(
      "From: Bob <bob@example.org>\r\nSubject: =?UTF-8?Q?Caf=C3=A9_offer?=\r\n"
      "X-Mailer: Outlook Express\r\n\r\nhello\r\n");
  const Tokens t = tokenize(msg);
  EXPECT_TRUE(has(t, "from:bob@example.org"));
  EXPECT_TRUE(has(t, "subj:caf\xc3\xa9"));  // RFC 2047 decoded, lower-cased
  EXPECT_TRUE(has(t, "subj:offer"));
  EXPECT_TRUE(has(t, "mailer:outlook"));
  EXPECT_TRUE(has(t, "hdr:x-mailer"));
  EXPECT_TRUE(has(t, "hello"));
  EXPECT_FALSE(has(t, "offer"));  // a Subject word is not a body word
}

TEST(Tokenize, BodyWordsAndSparseBigrams) {
  const auto msg = test::parse("Subject: x\r\n\r\nBuy cheap Pills now.\r\n");
  TokenLimits limits;
  limits.bigram_window = 3;
  const Tokens t = tokenize(msg, limits);
  EXPECT_TRUE(has(t, "buy"));
  EXPECT_TRUE(has(t, "pills"));
  EXPECT_TRUE(has(t, "now"));  // the final '.' is not part of the word
  EXPECT_TRUE(has(t, "buy cheap"));
  EXPECT_TRUE(has(t, "buy * pills"));
  EXPECT_TRUE(has(t, "cheap * now"));
  EXPECT_FALSE(has(t, "buy * * now"));  // beyond the window
  limits.bigram_window = 1;
  EXPECT_FALSE(has(tokenize(msg, limits), "buy cheap"));
}

TEST(Tokenize, DecodedTextHtmlTagsAndUrls) {
  const auto msg = test::parse(
      "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "R3JlZXRpbmdzIGZyb20gaHR0cDovL1d3dy5TaG9wLkV4YW1wbGUuY29tL3g=\r\n"
      "--b\r\nContent-Type: text/html\r\n\r\n"
      "<html><body><font color=red>Winner</font> <a href=\"http://198.51.100.7/p\">x</a>"
      "</body></html>\r\n--b--\r\n");
  const Tokens t = tokenize(msg);
  EXPECT_TRUE(has(t, "greetings"));  // base64 decoded
  EXPECT_TRUE(has(t, "url:www.shop.example.com"));
  EXPECT_TRUE(has(t, "url:example.com"));
  EXPECT_TRUE(has(t, "html:font"));
  EXPECT_TRUE(has(t, "winner"));  // the text of the HTML part
  EXPECT_TRUE(has(t, "url:ip"));
  EXPECT_TRUE(has(t, "mime:multipart/alternative"));
  EXPECT_TRUE(has(t, "cte:base64"));
  EXPECT_TRUE(has(t, "charset:utf-8"));
}

// URL starts in any case, right after an h or a w that starts no URL, and
// an h or w as the text's last byte (find_url looks one byte ahead).
TEST(Tokenize, UrlsAfterLookalikeLettersAndInAnyCase) {
  const auto msg = test::parse(
      "Subject: x\r\n\r\nwith hHTTPS://One.example/ wwWww.two.example "
      "hwhttp://three.example ht www w\r\nh");
  const Tokens t = tokenize(msg);
  EXPECT_TRUE(has(t, "url:one.example"));
  EXPECT_TRUE(has(t, "url:www.two.example"));
  EXPECT_TRUE(has(t, "url:three.example"));
  const auto v = texts(t);
  EXPECT_EQ(
      std::count_if(v.begin(), v.end(), [](const std::string& s) { return s.starts_with("url:"); }),
      4);  // one.example, www.two.example and two.example, three.example
}

// The URL scan passes over 32 and 16 bytes at a time where no "ht" or
// "ww" can start: a URL is found at every offset, across each block
// boundary, at the very end of the text and with text after it.
TEST(Tokenize, UrlsAtEveryOffset) {
  const std::string tail = " and then some more words to fill the blocks after it";
  for (std::size_t offset = 0; offset < 80; ++offset) {
    std::string pad;
    for (std::size_t i = 0; i < offset; ++i) pad += "th wh "[i % 6];  // h and w, no "ht"/"ww"
    for (const std::string url : {"HTTP://site.example", "www.site.example"}) {
      for (const std::string& after : {std::string(), tail}) {
        const auto msg = test::parse("Subject: x\r\n\r\n" + pad + url + after);
        const std::string want = url[0] == 'H' ? "url:site.example" : "url:www.site.example";
        EXPECT_TRUE(has(tokenize(msg), want)) << offset << " " << url << " " << after.size();
      }
    }
  }
}

TEST(Tokenize, AttachmentTypeAndName) {
  const auto msg = test::parse(
      "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
      "--b\r\nContent-Type: application/octet-stream\r\n"
      "Content-Disposition: attachment; filename=\"Invoice_2024.EXE\"\r\n\r\nMZ\r\n--b--\r\n");
  const Tokens t = tokenize(msg);
  EXPECT_TRUE(has(t, "mime:application/octet-stream"));
  EXPECT_TRUE(has(t, "att:ext:exe"));
  EXPECT_TRUE(has(t, "att:invoice_2024.exe"));
}

TEST(Tokenize, LimitsBoundTheWork) {
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "word" + std::to_string(i) + " ";
  body += std::string(100, 'x');
  const auto msg = test::parse("Subject: x\r\n\r\n" + body + "\r\n");
  TokenLimits limits;
  limits.max_tokens = 100;
  limits.char_ngram = 0;  // byte n-grams have their own bound (below)
  const Tokens capped = tokenize(msg, limits);
  EXPECT_TRUE(capped.truncated);
  EXPECT_EQ(capped.tokens.size(), 101U);  // the cap plus "meta:truncated"
  EXPECT_TRUE(has(capped, "meta:truncated"));

  limits = TokenLimits{};
  const auto long_word = test::parse("Subject: x\r\n\r\nok " + std::string(100, 'x') + "\r\n");
  EXPECT_TRUE(has(tokenize(long_word, limits), "long:12"));  // 100 bytes / 8

  limits.max_bytes_scanned = 64;
  const Tokens short_scan = tokenize(msg, limits);
  EXPECT_FALSE(has(short_scan, "word100"));
  EXPECT_TRUE(has(short_scan, "word1"));
}

TEST(Tokenize, LongNumbersAreReducedToTheirLength) {
  const Tokens t = tokenize(test::parse("Subject: x\r\n\r\ncall 5551234567 or 42\r\n"));
  EXPECT_TRUE(has(t, "num:10"));
  EXPECT_TRUE(has(t, "42"));
  EXPECT_FALSE(has(t, "5551234567"));
}

TEST(Tokenize, UniqueHashesAreSortedAndDistinct) {
  const Tokens t = tokenize(test::parse("Subject: a\r\n\r\nsame same same other\r\n"));
  const auto keys = unique_features(t);
  auto by_key = [](const Feature& a, const Feature& b) { return a.key < b.key; };
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end(), by_key));
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end(),
                               [](const Feature& a, const Feature& b) { return a.key == b.key; }),
            keys.end());
  TokenLimits unigrams;
  unigrams.bigram_window = 1;
  unigrams.char_ngram = 0;
  // A repeated word counts once: the same keys as with one occurrence.
  EXPECT_EQ(unique_features(
                tokenize(test::parse("Subject: a\r\n\r\nsame same same other\r\n"), unigrams)),
            unique_features(tokenize(test::parse("Subject: a\r\n\r\nsame other\r\n"), unigrams)));
}

// distinct_features() makes the keys without the text: the same features,
// the same order and the same `truncated` as tokenize() + unique_features()
// for every kind of token and every limit.
// Tags and URL hosts in upper case are lower-cased as they are hashed
// in keys mode (TokenSink::add_lower): the same keys as the tokens' text.
TEST(Tokenize, UpperCaseTagsAndHostsHaveTheKeysOfTheirLowerCase) {
  const std::string raw =
      "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nsee WWW.Shop.Example.COM. or HTTP://10.0.0.1/\r\n"
      "--b\r\nContent-Type: text/html\r\n\r\n<TABLE><Tr><tD>cell</tD></Tr></TABLE><H1>x</H1>"
      "<" +
      std::string(60, 'Q') +
      ">\r\n<A HREF=\"https://User@Mail.Example.ORG:443/\">y</A>\r\n"
      "--b--\r\n";
  const auto msg = test::parse(raw);
  const Tokens tokens = tokenize(msg, TokenLimits{});
  const DistinctFeatures distinct = distinct_features(msg, TokenLimits{});
  EXPECT_EQ(distinct.features, unique_features(tokens));
  const auto has = [&](std::string_view token) {
    return std::any_of(distinct.features.begin(), distinct.features.end(),
                       [&](const Feature& f) { return f.key == token_hash(token); });
  };
  for (const char* token : {"html:table", "html:tr", "html:td", "html:h1", "html:a", "html:long:7",
                            "url:www.shop.example.com", "url:example.com", "url:ip",
                            "url:mail.example.org", "url:example.org", "url:userinfo", "url:port"})
    EXPECT_TRUE(has(token)) << token;
  EXPECT_FALSE(has("html:TABLE"));
  EXPECT_FALSE(has("url:www.shop.example.com."));
}

// Field names in any case: "hdr:<name>" lower-cased, a word field found
// (case-insensitively, RFC 5322 section 1.2.2) and Received capped at
// three, in both the tokens and the keys.
TEST(Tokenize, FieldNamesInAnyCase) {
  const auto msg = test::parse(
      "RECEIVED: from one\r\nreceived: from two\r\nReceived: from three\r\n"
      "ReCeIvEd: from four\r\nX-MAILER: Frobnicator\r\nX-Very-Long-Field-Name-Of-Many-Bytes: v\r\n"
      "Subject: x\r\n\r\nbody\r\n");
  const Tokens tokens = tokenize(msg);
  EXPECT_TRUE(has(tokens, "hdr:received"));
  EXPECT_TRUE(has(tokens, "hdr:x-very-long-field-name-of-many-bytes"));
  EXPECT_TRUE(has(tokens, "rcvd:three"));
  EXPECT_FALSE(has(tokens, "rcvd:four"));
  EXPECT_TRUE(has(tokens, "mailer:frobnicator"));
  EXPECT_EQ(distinct_features(msg, TokenLimits{}).features, unique_features(tokens));
}

TEST(Tokenize, DistinctFeaturesAreTheKeysOfTheTokens) {
  const std::string mixed =
      "From: Bob <bob@example.org>\r\nSubject: cheap V1agra\r\nReceived: from a\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
      "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
      "buy now at http://a.example.com:8080/x call 5551234567 " +
      std::string(100, 'x') +
      " same same\r\n--b\r\nContent-Type: text/html\r\n\r\n"
      "<p>Hello <a href=\"http://192.0.2.1/\">here</a></p>\r\n--b\r\n"
      "Content-Type: application/pdf; name=\"Invoice.PDF\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n";
  std::string many = "Subject: x\r\n\r\n";
  for (int i = 0; i < 3000; ++i) many += "word" + std::to_string(i % 700) + " ";
  TokenLimits capped;
  capped.max_tokens = 100;
  TokenLimits short_scan;
  short_scan.max_bytes_scanned = 40;
  TokenLimits plain;
  plain.bigram_window = 1;
  plain.char_ngram = 0;
  for (const std::string& raw : {mixed, many}) {
    const auto msg = test::parse(raw);
    for (const TokenLimits& limits : {TokenLimits{}, capped, short_scan, plain}) {
      const Tokens tokens = tokenize(msg, limits);
      const DistinctFeatures distinct = distinct_features(msg, limits);
      EXPECT_EQ(distinct.features, unique_features(tokens));
      EXPECT_EQ(distinct.truncated, tokens.truncated);
    }
  }
  EXPECT_TRUE(distinct_features(test::parse(many), capped).truncated);
  EXPECT_TRUE(distinct_features(test::parse(mixed), short_scan).truncated);
}

TEST(Tokenize, TokenHashIsFnv1a) {
  // FNV-1a 64 test vectors (Fowler/Noll/Vo reference): the store depends on
  // the same key in every process.
  EXPECT_EQ(token_hash(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(token_hash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(token_hash("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace mailroom::spam

namespace mailroom::spam {
namespace {

std::size_t ngram_count(const Tokens& t) {
  return static_cast<std::size_t>(std::count_if(
      t.tokens.begin(), t.tokens.end(), [](const Token& k) { return k.kind == TokenKind::ngram; }));
}

TEST(Tokenize, ByteNgramsOfTheRawMessage) {
  // White space folds to one space (re-wrapping changes nothing), control
  // bytes to '?'; the n-grams span the header and body as they arrived.
  const Tokens t = tokenize(test::parse("Subject: V1agra\r\n\r\nbuy\t\r\n  now\x1b!\r\n"));
  EXPECT_TRUE(has(t, "c:V1ag"));
  EXPECT_TRUE(has(t, "c:uy n"));
  EXPECT_TRUE(has(t, "c:now?"));
  for (const Token& k : t.tokens) {
    if (k.kind != TokenKind::ngram) continue;
    EXPECT_EQ(std::count_if(k.text.begin(), k.text.end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x20; }),
              0)
        << k.text;
  }
  // Bounded by char_ngram_header_bytes and char_ngram_body_bytes, whatever
  // the message's size.
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "filler" + std::to_string(i) + " ";
  TokenLimits limits;
  limits.char_ngram_body_bytes = 500;
  const std::size_t n = ngram_count(tokenize(test::parse("Subject: x\r\n\r\n" + body), limits));
  // "Subject: x" and one space (CR LF CR LF fold to one), then 500 bytes of the body.
  EXPECT_EQ(n, 10U + 1 + 500 - 4 + 1);
  limits.char_ngram_header_bytes = 300;
  limits.char_ngram_body_bytes = 0;
  const std::string long_field = "Subject: " + std::string(1000, 'a') + "\r\n\r\n";
  // 300 bytes of the field and the space of the empty line.
  EXPECT_EQ(ngram_count(tokenize(test::parse(long_field + body), limits)), 300U + 1 - 4 + 1);
  limits.char_ngram_body_bytes = 500;
  EXPECT_EQ(ngram_count(tokenize(test::parse(long_field + body), limits)), 300U + 1 + 500 - 4 + 1);
  limits.char_ngram = 0;
  EXPECT_EQ(ngram_count(tokenize(test::parse("Subject: x\r\n\r\n" + body), limits)), 0U);
}

}  // namespace
}  // namespace mailroom::spam
