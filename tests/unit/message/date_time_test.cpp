#include "mailroom/message/date_time.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailroom::message {
namespace {

struct Case {
  const char* in;
  bool parses;
  std::int64_t unix_time;
  bool zone_known;
};

TEST(DateTime, Table) {
  const std::vector<Case> cases = {
      {"Fri, 21 Nov 1997 09:55:06 -0600", true, 880127706, true},
      {"Tue, 1 Jul 2003 10:52:37 +0200", true, 1057049557, true},
      {"21 Nov 97 09:55:06 GMT", true, 880106106, true},  // obs 2-digit year, no dow
      {"Thu, 13 Feb 1969 23:32 -0330 (Newfoundland Time)", true, -27723480, true},
      {"Mon, 24 Nov 1997 14:22:01 -0800", true, 880410121, true},
      {"Fri, 21 Nov 1997 09:55:06 EST", true, 880124106, true},  // obs-zone
      {"Fri, 21 Nov 1997 09:55:06 PDT", true, 880131306, true},
      {"Fri, 21 Nov 1997 09:55:06 -0000", true, 880106106, false},        // unknown local zone
      {"Fri, 21 Nov 1997 09:55:06 Q", true, 880106106, false},            // military: unknown
      {"Fri, 21 Nov 1997 09:55:06", true, 880106106, false},              // no zone
      {"  Fri ,21 Nov 1997 09 : 55 : 06 +0000 ", true, 880106106, true},  // obs FWS
      {"21 Nov 107 09:55:06 +0000", true, 1195638906, true},              // 3-digit year + 1900
      {"1 Jan 05 00:00:00 +0000", true, 1104537600, true},                // 05 -> 2005
      {"Sat, 29 Feb 2020 12:00:00 +0000", true, 1582977600, true},
      {"Fri, 30 Feb 2020 12:00:00 +0000", false, -1, true},
      {"Fri, 21 Nov 1997 25:00:00 +0000", false, -1, true},
      {"Fri, 21 Foo 1997 10:00:00 +0000", false, -1, true},
      {"garbage", false, -1, true},
      {"", false, -1, true},
      {"Wed, 31 Dec 1969 23:59:59 +0000", true, -1, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    const auto dt = parse_date_time(c.in);
    if (!c.parses) {
      EXPECT_FALSE(dt.has_value());
      continue;
    }
    ASSERT_TRUE(dt.has_value());
    EXPECT_EQ(dt->unix_time(), c.unix_time);
    EXPECT_EQ(dt->zone_known, c.zone_known);
  }
}

TEST(DateTime, Fields) {
  const auto dt = parse_date_time("Fri, 21 Nov 1997 09:55:06 -0600");
  ASSERT_TRUE(dt.has_value());
  EXPECT_EQ(dt->year, 1997);
  EXPECT_EQ(dt->month, 11);
  EXPECT_EQ(dt->day, 21);
  EXPECT_EQ(dt->weekday, 5);
  EXPECT_EQ(dt->zone_minutes, -360);
}

}  // namespace
}  // namespace mailroom::message
