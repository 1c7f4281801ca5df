// The IMAP command reader and parser: tables of inputs that must frame and
// parse, and inputs that must not (STYLE.md), fed whole and byte by byte.
#include <gtest/gtest.h>

#include <vector>

#include "mailroom/server/imap.hpp"

namespace mailroom::server::imap {
namespace {

std::vector<Framed> frame(std::string_view input, CommandLimits limits = {},
                          bool byte_by_byte = false) {
  CommandReader reader(limits);
  std::vector<Framed> out;
  auto drain = [&] {
    while (auto event = reader.next()) out.push_back(*event);
  };
  if (byte_by_byte) {
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

TEST(ImapReader, FramesLinesAndLiteralsWholeAndByteByByte) {
  const std::string input =
      "a1 NOOP\r\n"
      "a2 LOGIN {5}\r\nfred1 {3+}\r\npwd\r\n"
      "a3 APPEND INBOX {4}\r\nx\r\ny\r\n"
      "a4 CAPABILITY\n";
  for (bool bytewise : {false, true}) {
    auto events = frame(input, {}, bytewise);
    ASSERT_EQ(events.size(), 6U) << bytewise;
    EXPECT_EQ(events[0].text, "a1 NOOP");
    EXPECT_EQ(events[1].kind, Framed::Kind::continuation);  // {5} but not {3+}
    EXPECT_EQ(events[2].text, "a2 LOGIN {5}\r\nfred1 {3+}\r\npwd");
    EXPECT_EQ(events[3].kind, Framed::Kind::continuation);
    EXPECT_EQ(events[4].text, "a3 APPEND INBOX {4}\r\nx\r\ny");  // CRLF inside the literal kept
    EXPECT_EQ(events[5].text, "a4 CAPABILITY");
  }
}

TEST(ImapReader, EnforcesLimitsWhileReading) {
  CommandLimits limits;
  limits.max_line = 20;
  limits.max_literal = 10;
  limits.max_command = 60;
  auto events = frame("t1 NOOP " + std::string(100, 'x') + "\r\nt2 NOOP\r\n", limits, true);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].kind, Framed::Kind::too_long);
  EXPECT_EQ(events[0].tag, "t1");
  EXPECT_EQ(events[1].text, "t2 NOOP");  // the session goes on
  events = frame("t3 APPEND x {11}\r\nt4 NOOP\r\n", limits);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].kind,
            Framed::Kind::literal_too_big);  // the client waits for "+": no bytes follow
  EXPECT_EQ(events[0].tag, "t3");
  EXPECT_EQ(events[1].text, "t4 NOOP");
  events = frame("t5 APPEND x {11+}\r\n01234567890\r\n", limits);
  ASSERT_GE(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Framed::Kind::fatal);               // RFC 7888: cannot resync
  events = frame("t6 APPEND x {99999999999999999999999}\r\n");  // overflows size_t
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Framed::Kind::literal_too_big);
  // Literals within the limits but a whole command over max_command.
  events = frame("t7 X {9+}\r\n123456789 {9+}\r\n123456789 {9+}\r\n123456789 {9+}\r\n", limits);
  ASSERT_FALSE(events.empty());
  EXPECT_NE(events.back().kind, Framed::Kind::command);
}

TEST(ImapReader, PendingBytesAndRawLines) {
  CommandReader reader;
  reader.feed("a LOGIN u p\r\nb SELECT INBOX\r\nc NO");
  ASSERT_TRUE(reader.next());
  EXPECT_EQ(reader.take_pending(), "b SELECT INBOX\r\nc NO");
  reader.feed("AGVzdA==\r\nDONE\r\n");
  EXPECT_EQ(reader.next_line(), "AGVzdA==");
  EXPECT_EQ(reader.next_line(), "DONE");
  EXPECT_FALSE(reader.next_line());
}

TEST(ImapParser, ParsesWhatClientsSend) {
  CommandLimits limits;
  auto c = parse_command("A001 login {5}\r\nfred1 \"p w\\\"d\"", limits);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->tag, "A001");
  EXPECT_EQ(c->name, "LOGIN");
  ASSERT_EQ(c->args.size(), 2U);
  EXPECT_TRUE(c->args[0].literal);
  EXPECT_EQ(c->args[0].text, "fred1");
  EXPECT_EQ(c->args[1].text, "p w\"d");
  c = parse_command("x uid fetch 1:*,7 (FLAGS BODY.PEEK[HEADER.FIELDS (From To)]<0.100>)", limits);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->name, "UID FETCH");
  ASSERT_EQ(c->args.size(), 2U);
  EXPECT_EQ(c->args[0].text, "1:*,7");
  ASSERT_EQ(c->args[1].kind, Value::Kind::list);
  ASSERT_EQ(c->args[1].items.size(), 2U);
  EXPECT_EQ(c->args[1].items[1].text, "BODY.PEEK[HEADER.FIELDS (From To)]<0.100>");
  c = parse_command("s STORE 1 +FLAGS.SILENT (\\Seen $Junk)", limits);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->args[2].items[0].text, "\\Seen");
  c = parse_command("l LIST \"\" %", limits);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->args[0].kind, Value::Kind::string);
  EXPECT_EQ(c->args[1].text, "%");
  c = parse_command("n NOOP ", limits);  // a trailing space
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->args.empty());
  c = parse_command("e SEARCH ()", limits);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->args[0].items.empty());
}

TEST(ImapParser, RefusesMalformedCommands) {
  CommandLimits limits;
  limits.max_depth = 3;
  const char* bad[] = {
      "",                        // no tag
      "+a NOOP",                 // '+' is no tag character
      "a",                       // no command
      "a  NOOP",                 // two spaces
      "a 123",                   // command is no atom of letters
      "a LOGIN \"unterminated",  // quoted string
      "a LOGIN \"bad \\x escape\"",
      "a LOGIN {5}\r\nabc",     // literal shorter than announced
      "a LOGIN {5}abcde",       // no line end after the announcement
      "a LOGIN {}\r\n",         // no length
      "a X ((((1))))",          // nested deeper than max_depth
      "a X (1",                 // unterminated list
      "a FETCH 1 BODY[HEADER",  // unterminated section
      "a X )",                  // stray parenthesis
  };
  for (const char* text : bad) {
    std::string tag;
    auto c = parse_command(text, limits, &tag);
    EXPECT_FALSE(c) << text;
  }
  std::string tag;
  EXPECT_FALSE(parse_command("t9 LOGIN \"x", limits, &tag));
  EXPECT_EQ(tag, "t9");  // the BAD can carry the tag
}

TEST(ImapParser, QuotesStringsForResponses) {
  EXPECT_EQ(quote_string("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
  EXPECT_TRUE(is_atom_char('a'));
  for (char c : std::string_view("(){ %*\"\\]\x7f")) EXPECT_FALSE(is_atom_char(c)) << c;
}

}  // namespace
}  // namespace mailroom::server::imap
