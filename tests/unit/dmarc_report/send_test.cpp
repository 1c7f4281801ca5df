// `dmarc send` over a spool: which days and domains are due (ri=), marks,
// retries. The send function records into a file: it runs in the child
// that marks (send.hpp).
#include "mailroom/dmarc_report/send.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "dmarc_report/interval.hpp"
#include "dmarc_report/sent_state.hpp"
#include "mailroom/dmarc_report/recorder.hpp"
#include "mailroom/dns/static_resolver.hpp"
#include "spool_fixture.hpp"

namespace mailroom::dmarc_report {
namespace {

constexpr std::int64_t kDec7 = 1796601600;  // 2026-12-07 00:00:00 UTC (a Monday)

class DmarcSend : public SpoolTest {
 protected:
  // A delivery at `time` whose day file was opened at `opened` (default: then).
  void record(std::int64_t time, const std::string& domain, const std::string& policy,
              std::optional<std::int64_t> opened = std::nullopt) {
    DeliveryRecord r;
    r.time = time;
    r.source_ip = "192.0.2.1";
    r.header_from = r.envelope_from = r.policy_domain = r.spf_domain = domain;
    r.policy_record = policy;
    r.disposition = "none";
    r.spf_scope = "mfrom";
    r.spf_result = "pass";
    auto recorder = Recorder::open(spool_, opened.value_or(time));
    ASSERT_TRUE(recorder.active());
    recorder.append(r);
  }

  SendOptions options(std::int64_t now, int exit_code = 0) { return base_options(now, exit_code); }
};

TEST_F(DmarcSend, EveryFinishedDayOnceThenDone) {
  record(kDec7 - 3600, "a.com", "v=DMARC1; p=none; rua=mailto:r@a.com");
  record(kDec7 + 60, "a.com", "v=DMARC1; p=none; rua=mailto:r@a.com");  // today: not yet
  auto lines = send_reports(options(kDec7 + 7200));
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ(sent(), std::vector<std::string>{"r@a.com"});
  EXPECT_TRUE(std::filesystem::exists(spool_ + "/sent/2026-12-06/.done"));
  EXPECT_TRUE(std::filesystem::exists(spool_ + "/sent/2026-12-06/a.com"));
  ASSERT_TRUE(send_reports(options(kDec7 + 7300)));
  EXPECT_EQ(sent().size(), 1U);  // nothing twice
  ASSERT_TRUE(send_reports(options(kDec7 + 86400 + 10)));
  EXPECT_EQ(sent().size(), 2U);  // the next day, its own report
}

// Done days older than 35 days go, with their markers; the rest stay.
TEST_F(DmarcSend, OldDoneDaysArePruned) {
  record(kDec7 - 3600, "a.com", "v=DMARC1; p=none; rua=mailto:r@a.com");
  ASSERT_TRUE(send_reports(options(kDec7 + 60)));
  ASSERT_TRUE(std::filesystem::exists(spool_ + "/2026-12-06.records"));
  ASSERT_TRUE(send_reports(options(kDec7 + 30 * 86400)));
  EXPECT_TRUE(std::filesystem::exists(spool_ + "/2026-12-06.records"));
  ASSERT_TRUE(send_reports(options(kDec7 + 36 * 86400)));
  EXPECT_FALSE(std::filesystem::exists(spool_ + "/2026-12-06.records"));
  EXPECT_FALSE(std::filesystem::exists(spool_ + "/sent/2026-12-06"));
  EXPECT_EQ(sent().size(), 1U);
}

TEST_F(DmarcSend, FailedSendIsRetriedNextRun) {
  record(kDec7 - 3600, "a.com", "v=DMARC1; p=none; rua=mailto:r@a.com");
  auto lines = send_reports(options(kDec7 + 60, 75));
  ASSERT_TRUE(lines);
  ASSERT_FALSE(lines->empty());
  EXPECT_EQ(lines->back().rfind("failed a.com 2026-12-06", 0), 0U) << lines->back();
  EXPECT_FALSE(std::filesystem::exists(spool_ + "/sent/2026-12-06/.done"));
  ASSERT_TRUE(send_reports(options(kDec7 + 120)));
  EXPECT_EQ(sent().size(), 2U);  // the failed attempt and the retry
  ASSERT_TRUE(send_reports(options(kDec7 + 180)));
  EXPECT_EQ(sent().size(), 2U);
}

// ri=172800: one report every two days, covering both.
TEST_F(DmarcSend, TwoDayIntervalCoversBothDays) {
  const std::string policy = "v=DMARC1; p=none; ri=172800; rua=mailto:r@a.com";
  // 2026-12-07 is day 20794 since the epoch: (20794 + 1) % 2 == 1, not due;
  // 2026-12-08 is due and covers the 7th and the 8th.
  record(kDec7 + 100, "a.com", policy);
  record(kDec7 + 86400 + 100, "a.com", policy);
  ASSERT_TRUE(send_reports(options(kDec7 + 86400 + 200)));
  EXPECT_TRUE(sent().empty());
  EXPECT_TRUE(std::filesystem::exists(spool_ + "/sent/2026-12-07/.done"));
  auto lines = send_reports(options(kDec7 + 2 * 86400 + 10));
  ASSERT_TRUE(lines);
  ASSERT_EQ(sent().size(), 1U);
  std::string all;
  for (const auto& line : *lines) all += line + "\n";
  EXPECT_NE(all.find("(1 records, 2 messages"), std::string::npos) << all;
}

TEST_F(DmarcSend, DryRunSendsAndMarksNothing) {
  record(kDec7 - 3600, "a.com", "v=DMARC1; p=none; rua=mailto:r@a.com");
  auto o = options(kDec7 + 60);
  o.dry_run = true;
  auto lines = send_reports(o);
  ASSERT_TRUE(lines);
  ASSERT_EQ(lines->size(), 1U);
  EXPECT_EQ((*lines)[0].rfind("would send a.com 2026-12-06 to <r@a.com>", 0), 0U) << (*lines)[0];
  EXPECT_TRUE(sent().empty());
  EXPECT_FALSE(std::filesystem::exists(spool_ + "/sent/2026-12-06"));
}

TEST_F(DmarcSend, NeedsSpoolAndEmail) {
  auto o = options(kDec7);
  o.email = "";
  EXPECT_EQ(send_reports(o).error().kind, ErrorKind::config);
  o = options(kDec7);
  o.spool = "";
  EXPECT_EQ(send_reports(o).error().kind, ErrorKind::config);
}

TEST(DmarcSendDays, ParseDay) {
  EXPECT_EQ(parse_day("2026-12-07"), kDec7);
  EXPECT_EQ(parse_day("1970-01-01"), 0);
  for (std::string_view bad : {"2026-13-01", "2026-02-30", "2026-1-1", "x", "2026-12-07x"})
    EXPECT_FALSE(parse_day(bad)) << bad;
}

TEST(DmarcSendDays, MarkerNames) {
  EXPECT_EQ(marker_name("example.com"), "example.com");
  EXPECT_EQ(marker_name("../x/y"), "%2E.%2Fx%2Fy");
  EXPECT_EQ(marker_name(".done"), "%2Edone");
  EXPECT_EQ(marker_name(""), "%");
}

// ri=3600 (RFC 7489 §6.3: hourly SHOULD be offered): one report per UTC
// hour that has records, sent once the hour is over, each once; the
// messages of a day's hourly reports add up to the day's records.
TEST_F(DmarcSend, HourlyReportsPerEndedHourOnce) {
  const std::string policy = "v=DMARC1; p=none; ri=3600; rua=mailto:r@a.com";
  const std::int64_t dec6 = kDec7 - 86400;
  for (std::int64_t hour : {0, 5, 5, 13, 23, 23, 23})
    record(dec6 + hour * 3600 + 10, "a.com", policy);
  record(kDec7 + 600, "a.com", policy);         // 2026-12-07 00:xx
  record(kDec7 + 3600 + 600, "a.com", policy);  // 2026-12-07 01:xx: not over at 01:00:10
  auto first = send_reports(options(kDec7 + 3600 + 10));
  ASSERT_TRUE(first) << first.error().message;
  std::string all;
  for (const auto& line : *first) all += line + "\n";
  EXPECT_EQ(sent().size(), 5U) << all;  // the 6th: hours 0, 5, 13, 23; the 7th: hour 0
  for (const char* want : {"sent a.com 2026-12-06 00:00-01:00 to <r@a.com> (1 records, 1 messages",
                           "sent a.com 2026-12-06 05:00-06:00 to <r@a.com> (1 records, 2 messages",
                           "sent a.com 2026-12-06 13:00-14:00 to <r@a.com> (1 records, 1 messages",
                           "sent a.com 2026-12-06 23:00-24:00 to <r@a.com> (1 records, 3 messages",
                           "sent a.com 2026-12-07 00:00-01:00 to <r@a.com> (1 records, 1 messages"})
    EXPECT_NE(all.find(want), std::string::npos) << want << "\n" << all;
  EXPECT_TRUE(std::filesystem::exists(spool_ + "/sent/2026-12-06/a.com+23"));
  EXPECT_TRUE(std::filesystem::exists(spool_ + "/sent/2026-12-06/.done"));
  EXPECT_FALSE(std::filesystem::exists(spool_ + "/sent/2026-12-07/.done"));
  ASSERT_TRUE(send_reports(options(kDec7 + 3600 + 20)));
  EXPECT_EQ(sent().size(), 5U);  // a second run in the same hour: nothing again
  auto later = send_reports(options(kDec7 + 7200 + 10));
  ASSERT_TRUE(later);
  ASSERT_EQ(sent().size(), 6U);
  EXPECT_EQ(later->back().rfind("sent a.com 2026-12-07 01:00-02:00", 0), 0U) << later->back();
}

// A delivery that began before midnight and ended after it wrote its
// record (stamped when it ended) into the day file it opened: yesterday's.
// Today's first hour counts it.
TEST_F(DmarcSend, HourlyCountsARecordWrittenToYesterdaysFile) {
  const std::string policy = "v=DMARC1; p=none; ri=3600; rua=mailto:r@a.com";
  record(kDec7 - 86400 + 600, "a.com", policy);   // yesterday 00:10, its own report
  record(kDec7 + 2, "a.com", policy, kDec7 - 3);  // 00:00:02, its file opened at 23:59:57
  record(kDec7 + 1800, "a.com", policy);          // 00:30, in today's file
  auto lines = send_reports(options(kDec7 + 3600 + 10));
  ASSERT_TRUE(lines);
  std::string all;
  for (const auto& line : *lines) all += line + "\n";
  EXPECT_NE(all.find("sent a.com 2026-12-07 00:00-01:00 to <r@a.com> (1 records, 2 messages"),
            std::string::npos)
      << all;
}

// The report's date_range is the interval: begin and end in the file name.
TEST_F(DmarcSend, HourlyReportCoversItsHour) {
  record(kDec7 - 86400 + 13 * 3600 + 5, "a.com", "v=DMARC1; p=none; ri=7200; rua=mailto:r@a.com");
  auto o = options(kDec7 + 60);
  const std::string copy = spool_ + "/message";
  o.send = [copy](const std::string&, const std::vector<std::string>&, std::string_view message) {
    std::ofstream(copy) << message;
    return ok();
  };
  ASSERT_TRUE(send_reports(o));
  std::ifstream in(copy);
  std::stringstream text;
  text << in.rdbuf();
  const std::int64_t begin = kDec7 - 86400 + 12 * 3600;  // ri=7200: 12:00-14:00
  const std::string name =
      "mx.example.net!a.com!" + std::to_string(begin) + "!" + std::to_string(begin + 7199);
  EXPECT_NE(text.str().find(name), std::string::npos) << text.str().substr(0, 600);
}

// Under --day, a day's intervals go as they stand, ended or not (as a day does).
TEST_F(DmarcSend, HourlyWithDaySendsTheDayAsItStands) {
  record(kDec7 + 600, "a.com", "v=DMARC1; p=none; ri=3600; rua=mailto:r@a.com");
  auto o = options(kDec7 + 700);
  o.day = "2026-12-07";
  ASSERT_TRUE(send_reports(o));
  EXPECT_EQ(sent().size(), 1U);
}

TEST(DmarcSendDays, SubDayIntervals) {
  const auto ri = [](const std::string& value) {
    return sub_day_interval("v=DMARC1; p=none; rua=mailto:r@a.com; ri=" + value);
  };
  EXPECT_EQ(ri("3600"), 3600);
  EXPECT_EQ(ri("60"), 3600);      // never more often than hourly
  EXPECT_EQ(ri("5400"), 7200);    // rounded up to hours that divide the day
  EXPECT_EQ(ri("18000"), 21600);  // 5 h: 6 h
  EXPECT_EQ(ri("43200"), 43200);
  EXPECT_EQ(ri("50000"), 0);  // over 12 h: daily
  EXPECT_EQ(ri("86400"), 0);
  EXPECT_EQ(sub_day_interval("v=DMARC1; p=none"), 0);
  EXPECT_EQ(interval_marker("a.com", kDec7 + 13 * 3600), "a.com+13");
  EXPECT_EQ(interval_label(kDec7 + 22 * 3600, 7200), "2026-12-07 22:00-24:00");
}

}  // namespace
}  // namespace mailroom::dmarc_report
