// RFC 5260 date, currentdate and index: every date-part, :zone and
// :originalzone, the injected clock, :index and :last on header, address
// and date.
#include "extension_support.hpp"
#include "sieve/date_parts.hpp"

namespace mailroom::sieve {
namespace {

using namespace ext_testing;

const std::string kMessage =
    "Received: from b by a; Tue, 8 Dec 2026 01:30:00 +0100\r\n"
    "Received: from c by b; Mon, 7 Dec 2026 23:59:59 -0500\r\n"
    "X-Tag: first\r\nX-Tag: second\r\nX-Tag: third\r\n"
    "To: one@example.net\r\nTo: two@example.net, three@example.net\r\n"
    "Date: Mon, 7 Dec 2026 22:15:30 -0300\r\nX-Bad: soon\r\n\r\nbody\r\n";
const std::string kRequire =
    "require [\"date\", \"index\", \"fileinto\", \"variables\", \"relational\"];\n";

std::string part_of(const std::string& tags, const std::string& header, const std::string& part) {
  return kRequire + "if date " + tags + " :matches \"" + header + "\" \"" + part +
         "\" \"*\" { fileinto \"${1}\"; }";
}

struct PartCase {
  const char* part;
  const char* expected;  // of Mon, 7 Dec 2026 22:15:30 -0300 shown at :zone "+0100"
};

class SieveDatePart : public ::testing::TestWithParam<PartCase> {};

TEST_P(SieveDatePart, ShownInTheZone) {
  EXPECT_EQ(run_words(part_of(":zone \"+0100\"", "date", GetParam().part), kMessage),
            (Words{std::string("fileinto:") + GetParam().expected}));
}

INSTANTIATE_TEST_SUITE_P(Rfc5260, SieveDatePart,
                         ::testing::Values(PartCase{"year", "2026"}, PartCase{"month", "12"},
                                           PartCase{"day", "08"}, PartCase{"date", "2026-12-08"},
                                           PartCase{"julian", "61382"}, PartCase{"hour", "02"},
                                           PartCase{"minute", "15"}, PartCase{"second", "30"},
                                           PartCase{"time", "02:15:30"},
                                           PartCase{"iso8601", "2026-12-08T02:15:30+01:00"},
                                           PartCase{"std11", "Tue, 08 Dec 2026 02:15:30 +0100"},
                                           PartCase{"zone", "+0100"}, PartCase{"weekday", "2"},
                                           PartCase{"YEAR", "2026"}));

TEST(SieveDate, OriginalZoneAndUtc) {
  EXPECT_EQ(run_words(part_of(":originalzone", "date", "iso8601"), kMessage),
            (Words{"fileinto:2026-12-07T22:15:30-03:00"}));
  EXPECT_EQ(run_words(part_of(":zone \"+0000\"", "date", "iso8601"), kMessage),
            (Words{"fileinto:2026-12-08T01:15:30Z"}));
}

TEST(SieveDate, LocalZoneIsTheInjectedClocks) {
  RunOptions options;
  options.now = RunOptions::Clock{0, -600};  // 1970, at -1000
  EXPECT_EQ(run_words(part_of("", "date", "zone"), kMessage, options), (Words{"fileinto:-1000"}));
  EXPECT_EQ(run_words(part_of("", "date", "hour"), kMessage, options), (Words{"fileinto:15"}));
}

TEST(SieveDate, ReceivedDateFollowsTheLastSemicolon) {
  EXPECT_EQ(run_words(part_of(":zone \"+0000\"", "received", "time"), kMessage),
            (Words{"fileinto:00:30:00"}));
}

TEST(SieveDate, NoDateNoMatch) {
  for (const char* header : {"x-bad", "x-missing"}) {
    EXPECT_EQ(run_words(part_of("", header, "year"), kMessage), (Words{"keep*"})) << header;
  }
}

TEST(SieveDate, CurrentdateReadsTheInjectedClock) {
  RunOptions options;
  options.now = RunOptions::Clock{1796601600, 60};  // 2026-12-07T00:00:00Z, at +0100
  std::string script =
      kRequire + "if currentdate :matches \"iso8601\" \"*\" { fileinto \"${1}\"; }";
  EXPECT_EQ(run_words(script, kMessage, options), (Words{"fileinto:2026-12-07T01:00:00+01:00"}));
  script = kRequire +
           "if currentdate :zone \"-0800\" :value \"lt\" \"date\" \"2026-12-07\" { fileinto "
           "\"before\"; }";
  EXPECT_EQ(run_words(script, kMessage, options), (Words{"fileinto:before"}));
}

TEST(SieveDate, UnknownPartAndBadZoneWarnAndNeverMatchOrUseLocal) {
  auto warnings = compile_warnings(kRequire + "if date \"date\" \"fortnight\" \"1\" { keep; }");
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].kind, DiagnosticKind::bad_date_part);
  EXPECT_EQ(
      run_words(kRequire + "if date :matches \"date\" \"fortnight\" \"*\" { fileinto \"x\"; }",
                kMessage),
      (Words{"keep*"}));
  warnings = compile_warnings(kRequire + "if date :zone \"+01\" \"date\" \"year\" \"1\" { keep; }");
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].kind, DiagnosticKind::bad_zone);
  RunOptions options;
  options.now = RunOptions::Clock{0, 120};
  EXPECT_EQ(run_words(part_of(":zone \"x\"", "date", "zone"), kMessage, options),
            (Words{"fileinto:+0200"}));
}

TEST(SieveDate, ErrorCases) {
  EXPECT_EQ(compile_error("if date \"date\" \"year\" \"2026\" { keep; }")->kind,
            DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error(kRequire + "if date \"date\" \"year\" { keep; }")->kind,
            DiagnosticKind::bad_arguments);
  EXPECT_EQ(
      compile_error(kRequire + "if date :zone \"+0100\" :originalzone \"date\" \"year\" \"1\" "
                               "{ keep; }")
          ->kind,
      DiagnosticKind::duplicate_tag);
  EXPECT_EQ(compile_error(kRequire + "if currentdate :originalzone \"year\" \"1\" { keep; }")->kind,
            DiagnosticKind::unknown_tag);
  EXPECT_EQ(compile_error(kRequire + "if date :zone \"date\" \"year\" \"1\" { keep; }")->kind,
            DiagnosticKind::bad_arguments);
}

TEST(SieveIndex, PicksOneField) {
  auto is = [&](const std::string& tags, const char* value) {
    return run_words(
        kRequire + "if header " + tags + " \"x-tag\" \"" + value + "\" { fileinto \"hit\"; }",
        kMessage);
  };
  EXPECT_EQ(is(":index 1", "first"), (Words{"fileinto:hit"}));
  EXPECT_EQ(is(":index 2", "first"), (Words{"keep*"}));
  EXPECT_EQ(is(":index 1 :last", "third"), (Words{"fileinto:hit"}));
  EXPECT_EQ(is(":last :index 2", "second"), (Words{"fileinto:hit"}));
  EXPECT_EQ(is(":index 4 :contains", ""), (Words{"keep*"}));
  EXPECT_EQ(
      run_words(kRequire + "if address :index 2 :localpart \"to\" \"three\" { fileinto \"a\"; }",
                kMessage),
      (Words{"fileinto:a"}));
  EXPECT_EQ(run_words(kRequire + "if date :index 1 :last :zone \"+0000\" \"received\" \"hour\" "
                                 "\"04\" { fileinto \"oldest\"; }",
                      kMessage),
            (Words{"fileinto:oldest"}));
}

TEST(SieveIndex, ErrorCases) {
  EXPECT_EQ(compile_error("require \"fileinto\";\nif header :index 1 \"x\" \"y\" { keep; }")->kind,
            DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error(kRequire + "if header :last \"x\" \"y\" { keep; }")->kind,
            DiagnosticKind::bad_arguments);
  EXPECT_EQ(compile_error(kRequire + "if header :index 0 \"x\" \"y\" { keep; }")->kind,
            DiagnosticKind::bad_arguments);
  EXPECT_EQ(compile_error(kRequire + "if header :index \"1\" \"x\" \"y\" { keep; }")->kind,
            DiagnosticKind::bad_arguments);
  EXPECT_EQ(compile_error(kRequire + "if header :index 1 :index 2 \"x\" \"y\" { keep; }")->kind,
            DiagnosticKind::duplicate_tag);
  EXPECT_EQ(compile_error(kRequire + "if exists :index 1 \"x\" { keep; }")->kind,
            DiagnosticKind::unknown_tag);
}

TEST(SieveDateParts, CalendarEdges) {
  EXPECT_EQ(*date_part("date", 951782400, 0), "2000-02-29");  // a leap day of a century
  EXPECT_EQ(*date_part("weekday", 0, 0), "4");                // 1970-01-01, a Thursday
  EXPECT_EQ(*date_part("julian", 0, 0), "40587");             // MJD of the epoch
  EXPECT_EQ(*date_part("date", -1, 0), "1969-12-31");
  EXPECT_EQ(*date_part("zone", 0, -330), "-0530");
  EXPECT_FALSE(date_part("fortnight", 0, 0));
  EXPECT_EQ(*parse_zone("-0930"), -570);
  EXPECT_FALSE(parse_zone("+0160"));
  EXPECT_FALSE(parse_zone("0100"));
}

}  // namespace
}  // namespace mailroom::sieve
