// Tables of lines that must parse and lines that must not (STYLE.md).
#include <gtest/gtest.h>

#include "mailroom/server/pop3.hpp"

namespace mailroom::server::pop3 {
namespace {

TEST(Pop3Command, ParsesEveryCommand) {
  struct Case {
    const char* line;
    Verb verb;
    const char* text;
    std::optional<std::size_t> message;
    std::size_t lines;
  };
  const Case cases[] = {
      {"USER alice", Verb::user, "alice", {}, 0},
      {"user alice", Verb::user, "alice", {}, 0},
      {"PASS pass with spaces ", Verb::pass, "pass with spaces ", {}, 0},
      {"QUIT", Verb::quit, "", {}, 0},
      {"STAT", Verb::stat, "", {}, 0},
      {"LIST", Verb::list, "", {}, 0},
      {"LIST 3", Verb::list, "", 3, 0},
      {"RETR 1", Verb::retr, "", 1, 0},
      {"DELE 12", Verb::dele, "", 12, 0},
      {"NOOP", Verb::noop, "", {}, 0},
      {"RSET", Verb::rset, "", {}, 0},
      {"TOP 2 0", Verb::top, "", 2, 0},
      {"ToP 2 10", Verb::top, "", 2, 10},
      {"UIDL", Verb::uidl, "", {}, 0},
      {"UIDL 7", Verb::uidl, "", 7, 0},
      {"CAPA", Verb::capa, "", {}, 0},
      {"STLS", Verb::stls, "", {}, 0},
      {"AUTH", Verb::auth, "", {}, 0},
      {"AUTH PLAIN", Verb::auth, "PLAIN", {}, 0},
  };
  for (const auto& c : cases) {
    auto command = parse_command(c.line);
    ASSERT_TRUE(command) << c.line << ": " << command.error().message;
    EXPECT_EQ(command->verb, c.verb) << c.line;
    EXPECT_EQ(command->text, c.text) << c.line;
    EXPECT_EQ(command->message, c.message) << c.line;
    EXPECT_EQ(command->lines, c.lines) << c.line;
  }
  auto initial = parse_command("AUTH PLAIN " + std::string(200, 'A'));
  ASSERT_TRUE(initial) << "RFC 5034: the initial response is not held to 40 octets";
  EXPECT_EQ(initial->initial, std::string(200, 'A'));
}

TEST(Pop3Command, RefusesMalformedLines) {
  const char* bad[] = {"",
                       "XYZZY",
                       "USER",
                       "USER a b",
                       "PASS",
                       "RETR",
                       "RETR 0",
                       "RETR -1",
                       "RETR 1x",
                       "RETR +1",
                       "LIST 1 2",
                       "TOP 1",
                       "TOP 1 x",
                       "DELE  1",
                       "STAT now",
                       "APOP a b",
                       "RETR 99999999999",
                       "USERalice",
                       "AUTH A B C"};
  for (const char* line : bad) EXPECT_FALSE(parse_command(line)) << "'" << line << "'";
  EXPECT_FALSE(parse_command(std::string("USER a\0b", 8))) << "NUL";
  EXPECT_FALSE(parse_command("USER " + std::string(41, 'a'))) << "RFC 1939: 40 octets";
  EXPECT_TRUE(parse_command("USER " + std::string(40, 'a')));
}

TEST(Pop3Command, DotStuffingAndTop) {
  EXPECT_EQ(dot_stuff("A: b\n\n.x\nbody\n", std::nullopt), "A: b\r\n\r\n..x\r\nbody\r\n.\r\n");
  EXPECT_EQ(dot_stuff("A: b\r\n\r\n.\r\n", std::nullopt), "A: b\r\n\r\n..\r\n.\r\n");
  EXPECT_EQ(dot_stuff("A: b\n\nno final newline", std::nullopt),
            "A: b\r\n\r\nno final newline\r\n.\r\n");
  EXPECT_EQ(dot_stuff("A: b\n\n1\n2\n3\n", 0), "A: b\r\n\r\n.\r\n");
  EXPECT_EQ(dot_stuff("A: b\n\n1\n2\n3\n", 2), "A: b\r\n\r\n1\r\n2\r\n.\r\n");
  EXPECT_EQ(dot_stuff("", std::nullopt), ".\r\n");
}

}  // namespace
}  // namespace mailroom::server::pop3
