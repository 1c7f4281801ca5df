#include "mailroom/net/line_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailroom::net {
namespace {

// Every event of `input`, fed in pieces of `step` octets (1 = byte by byte,
// as Dovecot's istream tests do).
std::vector<std::string> events(std::string_view input, std::size_t max_line, std::size_t step) {
  LineReader reader(max_line);
  std::vector<std::string> out;
  for (std::size_t at = 0; at < input.size(); at += step) {
    reader.feed(input.substr(at, step));
    while (auto event = reader.next())
      out.push_back(event->kind == LineEvent::Kind::too_long ? "<too long>" : event->text);
  }
  return out;
}

TEST(LineReader, SplitsCrlfAndBareLfLines) {
  for (std::size_t step : {1, 2, 3, 100}) {
    EXPECT_EQ(events("USER a\r\nPASS b\nQUIT\r\n", 64, step),
              (std::vector<std::string>{"USER a", "PASS b", "QUIT"}))
        << step;
  }
}

TEST(LineReader, HoldsAnUnfinishedLine) {
  EXPECT_EQ(events("STAT\r\nLI", 64, 1), (std::vector<std::string>{"STAT"}));
}

TEST(LineReader, ALineAtTheLimitPassesOneOverDoesNot) {
  std::string at_limit(8, 'x');
  for (std::size_t step : {1, 5, 100}) {
    EXPECT_EQ(events(at_limit + "\r\n", 8, step), (std::vector<std::string>{at_limit})) << step;
    EXPECT_EQ(events(at_limit + "y\r\nNOOP\r\n", 8, step),
              (std::vector<std::string>{"<too long>", "NOOP"}))
        << step;
  }
}

TEST(LineReader, AnEndlessLineIsReportedOnceAndMemoryStaysBounded) {
  LineReader reader(16);
  reader.feed("NOOP\r\n");
  for (int i = 0; i < 1000; ++i) reader.feed(std::string(1000, 'a'));
  EXPECT_LE(reader.take_pending().size(), 6U);  // only "NOOP\r\n" is held
  LineReader again(16);
  again.feed("NOOP\r\n" + std::string(100, 'a'));
  again.feed(std::string(100, 'b') + "\nQUIT\r\n");
  std::vector<std::string> seen;
  while (auto event = again.next())
    seen.push_back(event->kind == LineEvent::Kind::too_long ? "<too long>" : event->text);
  EXPECT_EQ(seen, (std::vector<std::string>{"NOOP", "<too long>", "QUIT"}));
}

TEST(LineReader, TwoLongLinesInOneReadAreTwoEventsInOrder) {
  std::string input = "A\n" + std::string(20, 'x') + "\nB\n" + std::string(20, 'y') + "\nC\n";
  auto expected = std::vector<std::string>{"A", "<too long>", "B", "<too long>", "C"};
  EXPECT_EQ(events(input, 8, input.size()), expected);
  EXPECT_EQ(events(input, 8, 1), expected);
}

TEST(LineReader, KeepsNulAndControlBytesForTheParserToJudge) {
  EXPECT_EQ(events(std::string("A\0B\r\n", 5), 64, 1),
            (std::vector<std::string>{std::string("A\0B", 3)}));
}

TEST(LineReader, DiscardPendingDropsWhatFollowedStls) {
  LineReader reader(64);
  reader.feed("STLS\r\nUSER injected\r\n");
  auto first = reader.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->text, "STLS");
  reader.discard_pending();
  EXPECT_FALSE(reader.next());
}

}  // namespace
}  // namespace mailroom::net
