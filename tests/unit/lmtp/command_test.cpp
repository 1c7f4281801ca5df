// The LMTP command parser: tables of lines that must parse and lines that
// must be refused, side by side (STYLE.md, after Seastar).
#include "lmtp/command.hpp"

#include <gtest/gtest.h>

namespace mailroom::lmtp {
namespace {

TEST(LmtpCommand, ParsesTheVerbsOfRfc2033) {
  struct Case {
    const char* line;
    Verb verb;
    const char* argument;
  };
  const Case cases[] = {
      {"LHLO mx.example.net", Verb::lhlo, "mx.example.net"},
      {"lhlo mx", Verb::lhlo, "mx"},
      {"MAIL FROM:<alice@example.org>", Verb::mail, "alice@example.org"},
      {"MAIL FROM: <alice@example.org>", Verb::mail, "alice@example.org"},
      {"mail from:<>", Verb::mail, ""},
      {"MAIL FROM:<@relay.example,@b.example:alice@example.org>", Verb::mail, "alice@example.org"},
      {"MAIL FROM:<\"a > b\"@example.org>", Verb::mail, "\"a > b\"@example.org"},
      {"RCPT TO:<bob@example.net>", Verb::rcpt, "bob@example.net"},
      {"RCPT TO:<Postmaster>", Verb::rcpt, "Postmaster"},
      {"DATA", Verb::data, ""},
      {"RSET", Verb::rset, ""},
      {"NOOP", Verb::noop, ""},
      {"NOOP anything", Verb::noop, "anything"},
      {"QUIT", Verb::quit, ""},
      {"EHLO mx", Verb::helo, "mx"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_command(c.line);
    ASSERT_TRUE(parsed.command) << c.line << ": " << parsed.error->text;
    EXPECT_EQ(parsed.command->verb, c.verb) << c.line;
    EXPECT_EQ(parsed.command->argument, c.argument) << c.line;
  }
}

TEST(LmtpCommand, RefusesMalformedLinesWithTheRightCode) {
  struct Case {
    std::string line;
    int code;
    const char* status;
  };
  const Case cases[] = {
      {"HELLO", 500, "5.5.2"},
      {"", 500, "5.5.2"},
      {std::string("NOOP\0x", 6), 500, "5.5.2"},
      {"NOOP \x01", 500, "5.5.2"},
      {"LHLO", 501, "5.5.4"},
      {"LHLO a b", 501, "5.5.4"},
      {"MAIL alice@example.org", 501, "5.5.4"},
      {"MAIL FROM:alice@example.org", 501, "5.5.4"},
      {"MAIL FROM:<alice@example.org", 501, "5.5.4"},
      {"MAIL FROM:<alice@example.org>x", 501, "5.5.4"},
      {"MAIL FROM:<a b@example.org>", 501, "5.5.4"},
      {"MAIL FROM:<@relay.example>", 501, "5.5.4"},
      {"MAIL FROM:<" + std::string(300, 'a') + "@example.org>", 501, "5.1.3"},
      {"MAIL FROM:<a@example.org> SIZE=12x", 501, "5.5.4"},
      {"MAIL FROM:<a@example.org> BODY=BINARYMIME", 501, "5.5.4"},
      {"MAIL FROM:<a@example.org> AUTH=<>", 555, "5.5.4"},
      {"MAIL FROM:<a@example.org> SMTPUTF8=yes", 555, "5.5.4"},
      {"RCPT TO:<>", 501, "5.5.4"},
      {"RCPT TO:<b@example.net> NOTIFY=NEVER", 555, "5.5.4"},
      {"RCPT TO:<b@example.net> ORCPT=rfc822", 501, "5.5.4"},
      {"DATA now", 501, "5.5.4"},
      {"XFORWARD", 501, "5.5.4"},
      {"XFORWARD ADDR", 501, "5.5.4"},
      {"XFORWARD COLOR=red", 501, "5.5.4"},
      {"XFORWARD ADDR=1.2.3.4+4", 501, "5.5.4"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_command(c.line);
    ASSERT_FALSE(parsed.command) << c.line;
    ASSERT_TRUE(parsed.error) << c.line;
    EXPECT_EQ(parsed.error->code, c.code) << c.line;
    EXPECT_EQ(parsed.error->status, c.status) << c.line;
  }
}

TEST(LmtpCommand, ReadsMailParameters) {
  auto parsed = parse_command("MAIL FROM:<a@example.org> SIZE=4096 BODY=8BITMIME SMTPUTF8");
  ASSERT_TRUE(parsed.command);
  EXPECT_EQ(parsed.command->parameters.size, 4096U);
  EXPECT_TRUE(parsed.command->parameters.body_8bit);
  EXPECT_TRUE(parsed.command->parameters.smtputf8);
  auto plain = parse_command("MAIL FROM:<a@example.org> body=7bit");
  ASSERT_TRUE(plain.command);
  EXPECT_FALSE(plain.command->parameters.body_8bit);
  EXPECT_FALSE(plain.command->parameters.size);
}

TEST(LmtpCommand, ReadsTheOriginalRecipientInXtext) {
  auto parsed = parse_command("RCPT TO:<bob@example.net> ORCPT=rfc822;bob+2Blists@example.net");
  ASSERT_TRUE(parsed.command);
  EXPECT_EQ(parsed.command->parameters.original_recipient, "bob+lists@example.net");
  auto other = parse_command("RCPT TO:<bob@example.net> ORCPT=x400;whatever");
  ASSERT_TRUE(other.command);
  EXPECT_FALSE(other.command->parameters.original_recipient);
}

TEST(LmtpCommand, ReadsXforwardAsPostfixSendsIt) {
  auto parsed = parse_command(
      "XFORWARD NAME=mail.example.org ADDR=IPV6:2001:db8::25 PORT=4711 HELO=mail.example.org "
      "PROTO=ESMTP IDENT=[UNAVAILABLE] SOURCE=REMOTE");
  ASSERT_TRUE(parsed.command) << parsed.error->text;
  const auto& f = parsed.command->forwarded;
  EXPECT_EQ(f.name, "mail.example.org");
  EXPECT_EQ(f.addr, "2001:db8::25");
  EXPECT_EQ(f.helo, "mail.example.org");
  EXPECT_EQ(f.proto, "ESMTP");
  auto unknown = parse_command("XFORWARD NAME=[UNAVAILABLE] HELO=a+20b");
  ASSERT_TRUE(unknown.command);
  EXPECT_EQ(unknown.command->forwarded.name, "");
  EXPECT_EQ(unknown.command->forwarded.helo, "a b");
}

TEST(LmtpCommand, DecodesXtext) {
  EXPECT_EQ(decode_xtext("a+2Bb+3D"), "a+b=");
  EXPECT_FALSE(decode_xtext("a+2"));
  EXPECT_FALSE(decode_xtext("a+zz"));
  EXPECT_FALSE(decode_xtext("a=b"));
  EXPECT_FALSE(decode_xtext("a b"));
}

}  // namespace
}  // namespace mailroom::lmtp
