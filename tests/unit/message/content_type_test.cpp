#include "mailroom/message/content_type.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mailroom::message {
namespace {

ContentType ct(std::string_view v) {
  Defects d;
  return parse_content_type(v, d);
}

TEST(ContentType, Basic) {
  const ContentType c = ct("Text/HTML; Charset=\"UTF-8\"; format=flowed");
  EXPECT_EQ(c.type, "text");
  EXPECT_EQ(c.subtype, "html");
  EXPECT_TRUE(c.explicit_type);
  EXPECT_EQ(c.charset(), "UTF-8");
  ASSERT_NE(c.params.find("FORMAT"), nullptr);
  EXPECT_EQ(*c.params.find("format"), "flowed");
  EXPECT_EQ(c.mime_type(), "text/html");
}

TEST(ContentType, Tolerated) {
  EXPECT_EQ(ct("multipart/mixed;\r\n\tboundary=\"=_a b\"").boundary(), "=_a b");
  EXPECT_EQ(ct("multipart/mixed; boundary=abc;").boundary(), "abc");
  EXPECT_EQ(ct("multipart/mixed (comment); boundary = abc").boundary(), "abc");
  EXPECT_EQ(ct("multipart/mixed;;; boundary=\"unterminated").boundary(), "unterminated");
  EXPECT_EQ(ct("text/plain; charset=utf-8 (comment)").charset(), "utf-8");
  EXPECT_EQ(ct("text/plain; junk; charset=x").charset(), "x");
  EXPECT_EQ(ct(" multipart / alternative ; boundary=q").mime_type(), "multipart/alternative");
}

TEST(ContentType, InvalidFallsBackToTextPlain) {
  const ContentType c = ct("garbage; charset=koi8-r");
  EXPECT_EQ(c.mime_type(), "text/plain");
  EXPECT_FALSE(c.explicit_type);
  EXPECT_EQ(c.charset(), "koi8-r");  // RFC 2045 §5.2
  EXPECT_EQ(ct("").mime_type(), "text/plain");
  EXPECT_EQ(ct("text/").mime_type(), "text/plain");
  Defects d;
  EXPECT_EQ(parse_content_type("", d, "message/rfc822").mime_type(), "message/rfc822");
}

// A comment that ends in a lone backslash ends the text: no read past it
// (found by the message_rfc2047 fuzzer: ";;\x1bs ?b\xd7\0=( B;\x1b*1=\\").
TEST(Rfc2231, CommentEndingInABackslashEndsTheText) {
  Defects d;
  const auto params = parse_parameters("; a=(\\", d);
  ASSERT_NE(params.find("a"), nullptr);
  EXPECT_EQ(*params.find("a"), "");  // the comment is not the value
  const std::string fuzzed(";;\x1bs ?b\xd7\0=( B;\x1b*1=\\", 19);
  (void)parse_parameters(fuzzed, d);
  (void)parse_content_type("text/plain; (\\", d);
}

TEST(Rfc2231, Continuations) {
  Defects d;
  const auto p = parse_parameters(
      "; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20;"
      " title*2=\"isn't it!\"",
      d);
  ASSERT_NE(p.find("title"), nullptr);
  EXPECT_EQ(*p.find("title"), "This is even more ***fun*** isn't it!");
}

TEST(Rfc2231, CharsetAndOrder) {
  Defects d;
  EXPECT_EQ(*parse_parameters("; name*=utf-8''%C3%A9t%C3%A9.pdf", d).find("name"),
            "\xc3\xa9t\xc3\xa9.pdf");
  EXPECT_EQ(*parse_parameters("; name*=iso-8859-1'fr'caf%E9", d).find("name"), "caf\xc3\xa9");
  // Sections out of order are sorted; the 2231 form beats the plain one.
  EXPECT_EQ(*parse_parameters("; f*1=b; f=plain; f*0=a", d).find("f"), "ab");
  EXPECT_EQ(*parse_parameters("; f=\"=?utf-8?q?x=C3=A9?=\"", d).find("f"), "x\xc3\xa9");
  EXPECT_EQ(*parse_parameters("; f*=utf-8''%zz", d).find("f"), "%zz");
  EXPECT_EQ(*parse_parameters("; f=\"a\\\"b\"", d).find("f"), "a\"b");
}

TEST(Rfc2231, HostileManySectionsIsBounded) {
  std::string v;
  for (int i = 0; i < 100000; ++i) v += "; a" + std::to_string(i) + "*1=x";
  Defects d;
  const auto p = parse_parameters(v, d);
  EXPECT_LE(p.list().size(), 256U);
}

TEST(ContentDisposition, Filename) {
  Defects d;
  const ContentDisposition cd =
      parse_content_disposition("Attachment; filename*0=\"a\"; filename*1=\"b.txt\"", d);
  EXPECT_TRUE(cd.is_attachment());
  EXPECT_EQ(filename(cd, ContentType{}), "ab.txt");
  const ContentType named = ct("application/pdf; name=\"x.pdf\"");
  EXPECT_EQ(filename(ContentDisposition{}, named), "x.pdf");
  EXPECT_EQ(filename(ContentDisposition{}, ContentType{}), "");
}

}  // namespace
}  // namespace mailroom::message
