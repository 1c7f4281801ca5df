// The ManageSieve command reader: tables of what parses and what does not
// (STYLE.md), every input also fed one byte at a time.
#include <gtest/gtest.h>

#include "mailroom/server/managesieve.hpp"

namespace mailroom::server::managesieve {
namespace {

// Events as text: "ATOM|\"string\"|#number" per command, "!CODE:message" per error.
std::vector<std::string> events(std::string_view input, Limits limits, bool bytewise) {
  CommandReader reader(limits);
  std::vector<std::string> out;
  auto drain = [&] {
    while (auto event = reader.next()) {
      if (event->kind == Event::Kind::error) {
        out.push_back("!" + event->code + ":" + event->message);
        continue;
      }
      std::string line;
      for (const auto& t : event->tokens) {
        if (!line.empty()) line += "|";
        line += t.kind == Token::Kind::string   ? "\"" + t.text + "\""
                : t.kind == Token::Kind::number ? "#" + t.text
                                                : t.text;
      }
      out.push_back(line);
    }
  };
  if (bytewise) {
    for (char c : input) {
      reader.feed(std::string_view(&c, 1));
      drain();
    }
  } else {
    reader.feed(input);
    drain();
  }
  return out;
}

std::vector<std::string> parse(std::string_view input, Limits limits = {}) {
  auto whole = events(input, limits, false);
  EXPECT_EQ(whole, events(input, limits, true)) << "byte by byte differs for " << input;
  return whole;
}

using Lines = std::vector<std::string>;

TEST(ManageSieveReader, Commands) {
  EXPECT_EQ(parse("CAPABILITY\r\n"), Lines{"CAPABILITY"});
  EXPECT_EQ(parse("logout\n"), Lines{"logout"}) << "bare LF taken";
  EXPECT_EQ(parse("HAVESPACE \"my script\" 999\r\n"), Lines{"HAVESPACE|\"my script\"|#999"});
  EXPECT_EQ(parse("NOOP \"a\\\"b\\\\c\"\r\n"), Lines{"NOOP|\"a\"b\\c\""}) << "escapes";
  EXPECT_EQ(parse("PUTSCRIPT \"s\" {6+}\r\nkeep;\n\r\n"), Lines{"PUTSCRIPT|\"s\"|\"keep;\n\""});
  EXPECT_EQ(parse("PUTSCRIPT {1+}\r\nx {2}\r\nyz\r\n"), Lines{"PUTSCRIPT|\"x\"|\"yz\""})
      << "two literals, one synchronizing";
  EXPECT_EQ(parse("CHECKSCRIPT {0+}\r\n\r\n"), Lines{"CHECKSCRIPT|\"\""});
  EXPECT_EQ(parse("\r\nNOOP\r\nNOOP\r\n"), (Lines{"NOOP", "NOOP"})) << "blank line ignored";
  EXPECT_EQ(parse("\"dGVzdA==\"\r\n"), Lines{"\"dGVzdA==\""}) << "a SASL response";
  EXPECT_EQ(parse("NOOP"), Lines{}) << "no line end yet";
}

TEST(ManageSieveReader, Errors) {
  EXPECT_EQ(parse("NOOP  \"x\"\r\nNOOP\r\n"), (Lines{"!:unexpected character in command", "NOOP"}));
  EXPECT_EQ(parse("NOOP \"x\r\n"), Lines{"!:unterminated quoted string"});
  EXPECT_EQ(parse("NOOP \"\\n\"\r\n"),
            Lines{"!:only \\\" and \\\\ may be escaped in a quoted string"});
  EXPECT_EQ(parse("NOOP {3+} x\r\n"), Lines{"!:a literal {n+} must end the line"});
  EXPECT_EQ(parse("NOOP {x+}\r\n"), Lines{"!:bad literal length"});
  EXPECT_EQ(parse("NOOP {99999999999999999999999+}\r\n"), Lines{"!:bad literal length"});
  EXPECT_EQ(parse("NO(OP\r\n"), Lines{"!:expected one space between arguments"});
  EXPECT_EQ(parse("NOOP \"x\" \r\n"), Lines{"!:expected one space between arguments"});
  EXPECT_EQ(parse("NOOP \"" + std::string(1025, 'q') + "\"\r\nNOOP\r\n"),
            (Lines{"!:quoted string longer than 1024 octets: send a literal", "NOOP"}));
}

TEST(ManageSieveReader, LimitsWhileReading) {
  Limits small;
  small.max_line = 20;
  small.max_literal = 10;
  small.max_arguments = 2;
  EXPECT_EQ(parse("NOOP " + std::string(40, 'x') + "\r\nNOOP\r\n", small),
            (Lines{"!:line too long", "NOOP"}));
  EXPECT_EQ(parse(std::string(200, 'x') + "\r\nNOOP\r\n", small),
            (Lines{"!:line too long", "NOOP"}))
      << "the rest of an over-long line is dropped, whatever its length";
  // An over-large literal is read and thrown away; the rest of its command too.
  EXPECT_EQ(
      parse("PUTSCRIPT \"a\" {11+}\r\n" + std::string(11, 'z') + " \"more\"\r\nNOOP\r\n", small),
      (Lines{"!QUOTA/MAXSIZE:literal of 11 octets, more than the 10 allowed", "NOOP"}));
  EXPECT_EQ(parse("PUTSCRIPT \"a\" {10+}\r\n" + std::string(10, 'z') + "\r\n", small),
            Lines{"PUTSCRIPT|\"a\"|\"zzzzzzzzzz\""});
  EXPECT_EQ(parse("X \"a\" \"b\" \"c\"\r\nNOOP\r\n", small),
            (Lines{"!:too many arguments", "NOOP"}));
}

TEST(ManageSieveReader, DiscardAfterStarttls) {
  CommandReader reader(Limits{});
  reader.feed("STARTTLS\r\nPUTSCRIPT \"a\" {5+}\r\nke");
  auto first = reader.next();
  ASSERT_TRUE(first && first->kind == Event::Kind::command);
  reader.discard_pending();  // CVE-2011-0411: nothing before the handshake runs after it
  EXPECT_FALSE(reader.next());
  reader.feed("NOOP\r\n");
  auto next = reader.next();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->tokens.at(0).text, "NOOP");
}

TEST(ManageSieveResponse, StringsAndResponses) {
  EXPECT_EQ(sieve_string("a\"b\\"), "\"a\\\"b\\\\\"");
  EXPECT_EQ(sieve_string("two\r\nlines"), "{10}\r\ntwo\r\nlines");
  EXPECT_EQ(sieve_string(std::string(1025, 'x')).substr(0, 8), "{1025}\r\n");
  EXPECT_EQ(response("NO", "QUOTA/MAXSIZE", "too big"), "NO (QUOTA/MAXSIZE) \"too big\"\r\n");
  EXPECT_EQ(response("OK", "", ""), "OK\r\n");
}

TEST(ManageSieveResponse, ScriptNames) {
  for (const char* good : {"vacation", "my script", "x.sieve", "Ünïcode", "a..b", "-", "~"})
    EXPECT_EQ(script_name_problem(good), "") << good;
  for (const std::string& bad :
       std::vector<std::string>{"", ".hidden", "..", "../x", "a/b", "/etc/passwd", "tab\there",
                                "nl\nx", std::string("nul\0x", 5), "del\x7f", "c1\xc2\x85",
                                "ls\xe2\x80\xa8", "bad\xff", "over\xc0\xaf", std::string(129, 'n')})
    EXPECT_NE(script_name_problem(bad), "") << bad;
}

TEST(ManageSieveResponse, CapabilitiesFollowTheState) {
  CapabilityState before{false, true, false, 4};
  auto text = capabilities(before);
  EXPECT_NE(text.find("\"SASL\" \"\"\r\n"), std::string::npos) << "no PLAIN before TLS";
  EXPECT_NE(text.find("\"STARTTLS\""), std::string::npos);
  EXPECT_NE(text.find("\"MAXREDIRECTS\" \"4\""), std::string::npos);
  EXPECT_NE(text.find("\"VERSION\" \"1.0\""), std::string::npos);
  EXPECT_NE(text.find(" fileinto "), std::string::npos);
  CapabilityState after_tls{true, false, false, 4};
  text = capabilities(after_tls);
  EXPECT_NE(text.find("\"SASL\" \"PLAIN\""), std::string::npos);
  EXPECT_EQ(text.find("STARTTLS"), std::string::npos);
}

}  // namespace
}  // namespace mailroom::server::managesieve
