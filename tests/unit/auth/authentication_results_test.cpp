// Authentication-Results: rendering (golden strings, folding), parsing
// (must-parse / must-fail side by side), forged and trusted fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/auth/authentication_results.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::auth {
namespace {

TEST(AuthenticationResultsRender, Golden) {
  AuthenticationResults ar;
  ar.authserv_id = "mx.example.org";
  ar.results.push_back({"spf", 1, "pass", {}, {{"smtp", "mailfrom", "alice@example.com"}}, {}});
  ar.results.push_back({"dkim",
                        1,
                        "pass",
                        {},
                        {{"header", "d", "example.com"},
                         {"header", "s", "sel"},
                         {"header", "a", "rsa-sha256"},
                         {"header", "b", "Ab/+9xY="}},
                        {}});
  ar.results.push_back({"dmarc",
                        1,
                        "fail",
                        "no aligned \"pass\"",
                        {{"header", "from", "example.com"}},
                        "p=REJECT dis=REJECT"});
  EXPECT_EQ(render_authentication_results(ar),
            "mx.example.org;\n"
            "\tspf=pass smtp.mailfrom=alice@example.com;\n"
            "\tdkim=pass header.d=example.com header.s=sel header.a=rsa-sha256\n"
            " header.b=\"Ab/+9xY=\";\n"
            "\tdmarc=fail (p=REJECT dis=REJECT) reason=\"no aligned \\\"pass\\\"\"\n"
            " header.from=example.com");
}

// quote_value as first written, a byte at a time (RFC 2045 token, else an
// RFC 5322 quoted-string): the table and the copied runs must agree with it.
std::string quoted_a_byte_at_a_time(std::string_view value) {
  constexpr std::string_view kTspecials = "()<>@,;:\\\"/[]?=";
  auto token = [&](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 32 && u < 127 && kTspecials.find(c) == std::string_view::npos;
  };
  if (!value.empty() && std::all_of(value.begin(), value.end(), token)) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '\r' || c == '\n') c = ' ';
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

TEST(AuthenticationResultsRender, QuotingEveryByteAsBefore) {
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    for (std::string value : {std::string(1, c), std::string("ab") + c + "cd",
                              std::string("no key ") + c + c + " (DNS refused)" + c}) {
      EXPECT_EQ(quote_value(value, false), quoted_a_byte_at_a_time(value)) << "byte " << byte;
    }
  }
}

TEST(AuthenticationResultsRender, NoneAndQuoting) {
  AuthenticationResults ar;
  ar.authserv_id = "mx.example.org";
  EXPECT_EQ(render_authentication_results(ar), "mx.example.org; none");
  EXPECT_EQ(quote_value("example.com"), "example.com");
  EXPECT_EQ(quote_value("user@example.com"), "user@example.com");
  EXPECT_EQ(quote_value("@example.com"), "@example.com");
  EXPECT_EQ(quote_value("two words"), "\"two words\"");
  EXPECT_EQ(quote_value(""), "\"\"");
  EXPECT_EQ(quote_value("a;b"), "\"a;b\"");
  EXPECT_EQ(quote_value("a\\b"), "\"a\\\\b\"");
  // authserv-id and reason= are token / quoted-string only (found by fuzz_auth_results).
  EXPECT_EQ(quote_value("q@id", false), "\"q@id\"");
  AuthenticationResults odd;
  odd.authserv_id = "q@id";
  odd.results.push_back({"x", 1, "pass", "a@b", {}, {}});
  std::string value = render_authentication_results(odd);
  EXPECT_EQ(value, "\"q@id\";\n\tx=pass reason=\"a@b\"");
  auto back = parse_authentication_results(value);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->authserv_id, "q@id");
  EXPECT_EQ(back->results[0].reason, "a@b");
}

TEST(AuthenticationResultsRender, LinesStayWithin78AndRoundTrip) {
  AuthenticationResults ar;
  ar.authserv_id = "mx.example.org";
  for (int i = 0; i < 5; ++i) {
    ar.results.push_back({"dkim",
                          1,
                          "fail",
                          "signature did not verify: body hash mismatch (the body was changed "
                          "after signing, often by a mailing list footer)",
                          {{"header", "d", "a-rather-long-subdomain.example.com"},
                           {"header", "s", "selector" + std::to_string(i)}},
                          {}});
  }
  std::string value = render_authentication_results(ar);
  std::istringstream lines("Authentication-Results: " + value);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    std::size_t width = line.size() + (!first && line.starts_with('\t') ? 7 : 0);
    EXPECT_LE(width, 78u) << line;
    first = false;
  }
  auto parsed = parse_authentication_results(value);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  ASSERT_EQ(parsed->results.size(), 5u);
  EXPECT_EQ(parsed->results[4].reason, ar.results[4].reason);
  EXPECT_EQ(parsed->results[4].properties, ar.results[4].properties);
}

TEST(AuthenticationResultsParse, Rfc8601Example) {
  // In the style of RFC 8601 Appendix B.
  auto r = parse_authentication_results(
      " example.com;\r\n"
      "  spf=pass smtp.mailfrom=example.net (comment (nested));\r\n"
      "  dkim=pass (good signature) reason=\"ok then\" header.d=example.net header.b=ab/cd+=;\r\n"
      "  auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
      "  sender-id/1=pass header.from = \"a b\"@example.net");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->authserv_id, "example.com");
  ASSERT_EQ(r->results.size(), 4u);
  EXPECT_EQ(r->results[0].method, "spf");
  EXPECT_EQ(*r->results[0].find("smtp", "mailfrom"), "example.net");
  EXPECT_EQ(r->results[1].reason, "ok then");
  EXPECT_EQ(*r->results[1].find("header", "b"), "ab/cd+=");
  EXPECT_EQ(*r->results[2].find("smtp", "auth"), "sender@example.net");
  EXPECT_EQ(r->results[3].method, "sender-id");
  EXPECT_EQ(r->results[3].method_version, 1u);
  EXPECT_EQ(*r->results[3].find("header", "from"), "a b@example.net");
}

struct ParseCase {
  const char* good;
  const char* bad;
  ArErrorCode bad_code;
};

TEST(AuthenticationResultsParse, MustParseMustFail) {
  const ParseCase cases[] = {
      {"example.org; none", "", ArErrorCode::bad_authserv_id},
      {"example.org 1; none", "example.org x; none", ArErrorCode::bad_version},
      {"\"quoted id\"; spf=pass", "\"unterminated; spf=pass", ArErrorCode::bad_quoted_string},
      {"example.org; spf=pass", "example.org; spf", ArErrorCode::bad_result},
      {"example.org; spf = pass smtp . mailfrom = a@b.c", "example.org; =pass",
       ArErrorCode::bad_method},
      {"example.org; dkim/2=pass", "example.org; dkim/x=pass", ArErrorCode::bad_method},
      {"example.org; dkim=pass header.d=\"\"",
       "example.org; dkim=pass header.d=", ArErrorCode::bad_property},
      {"example.org; dkim=pass header.d=a (c) ;", "example.org; dkim=pass header=a",
       ArErrorCode::bad_property},
      {"example.org; dkim=pass reason=\"x\" header.d=a", "example.org; dkim=pass (unclosed",
       ArErrorCode::bad_comment},
      {"example.org;\n\tspf=pass\n\t;dkim=none", "example.org; spf=pass reason=\"a\n",
       ArErrorCode::bad_quoted_string},
      {"example.org (comment); spf=pass", "example.org", ArErrorCode::empty},
      {"example.org; arc=pass header.oldest-pass=0 smtp.remote-ip=192.0.2.1",
       "example.org; spf=pass smtp.mailfrom=a \"b\"", ArErrorCode::bad_property},
  };
  for (const auto& c : cases) {
    auto good = parse_authentication_results(c.good);
    EXPECT_TRUE(good) << c.good << ": " << (good ? "" : good.error().describe());
    auto bad = parse_authentication_results(c.bad);
    ASSERT_FALSE(bad) << c.bad;
    EXPECT_EQ(bad.error().code, c.bad_code) << c.bad << ": " << bad.error().describe();
  }
}

TEST(AuthenticationResultsParse, Limits) {
  ArLimits limits;
  limits.max_results = 2;
  auto r = parse_authentication_results("x; spf=pass; dkim=pass; dmarc=pass", limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ArErrorCode::too_many);
  std::string deep = "x; spf=pass " + std::string(100, '(') + std::string(100, ')');
  r = parse_authentication_results(deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ArErrorCode::bad_comment);
  limits = {};
  limits.max_bytes = 10;
  r = parse_authentication_results("example.org; spf=pass", limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ArErrorCode::too_long);
}

message::Message parse(std::string text) {
  return message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text))));
}

const char* kRelayed =
    "Authentication-Results: mx.upstream.example; spf=pass smtp.mailfrom=a@example.com;\n"
    "  dkim=pass header.d=example.com; dmarc=pass header.from=example.com\n"
    "Received: from x by mx.upstream.example\n"
    "authentication-results: (sneaky) MX.Example.ORG; dkim=pass header.d=bank.example\n"
    "Authentication-Results: mx.example.org; garbage that does not parse ((\n"
    "Authentication-Results: mx.upstream.example; spf=fail smtp.mailfrom=a@example.com\n"
    "Authentication-Results: \"mx.example.org\"; spf=pass\n"
    "From: a@example.com\n"
    "\n"
    "body\n";

TEST(AuthenticationResults, FindsFieldsClaimingOurId) {
  auto m = parse(kRelayed);
  auto forged = find_claiming(m.headers(), "mx.example.org");
  EXPECT_EQ(forged, (std::vector<std::size_t>{2, 3, 5}));
  EXPECT_TRUE(find_claiming(m.headers(), "other.example").empty());
}

TEST(AuthenticationResults, TrustsTheTopmostTrustedField) {
  auto m = parse(kRelayed);
  std::vector<std::string> trusted = {"MX.UPSTREAM.EXAMPLE"};
  auto t = find_trusted(m.headers(), trusted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->index, 0u);
  ASSERT_EQ(t->results.results.size(), 3u);
  EXPECT_EQ(t->results.results[0].result, "pass");
  std::vector<std::string> nobody = {"elsewhere.example"};
  EXPECT_FALSE(find_trusted(m.headers(), nobody));
}

}  // namespace
}  // namespace mailroom::auth
