// Maildir++ quota: parsing maildirsize, checking, recalculating, recording.
#include "mailroom/maildir/quota.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "unit/maildir/test_support.hpp"

namespace mailroom::maildir {
namespace {

using testing::list_dir;
using testing::read_file;
using testing::TempDir;
using testing::test_options;
using testing::write_file;

TEST(QuotaDefinition, ParsesAndRefuses) {
  auto both = parse_quota_definition("1000000S,1000C");
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->bytes, 1000000u);
  EXPECT_EQ(both->count, 1000u);
  EXPECT_EQ(parse_quota_definition("500C,20S")->bytes, 20u);
  EXPECT_EQ(parse_quota_definition("5000S")->count, 0u);
  EXPECT_FALSE(parse_quota_definition("0S,0C")->limited());
  for (const char* bad : {"", "S", "10", "10X", "10S,", ",10S", "10S,20S", "-5S", "1 0S", "10s"}) {
    EXPECT_FALSE(parse_quota_definition(bad).has_value()) << bad;
  }
}

TEST(Maildirsize, SumsDeltaLines) {
  auto m = parse_maildirsize("1000S,10C\n300 3\n  120   1\n-100 -1\n");
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->definition.bytes, 1000u);
  EXPECT_EQ(m->usage.bytes, 320);
  EXPECT_EQ(m->usage.count, 3);
  EXPECT_EQ(m->lines, 3u);
  // A last line without newline may be half written: not counted.
  EXPECT_EQ(parse_maildirsize("1000S\n10 1\n20")->usage.bytes, 10);
  EXPECT_FALSE(parse_maildirsize("1000S\nabc 1\n").has_value());
  EXPECT_FALSE(parse_maildirsize("1000S\n10\n").has_value());
  EXPECT_FALSE(parse_maildirsize("1000S\n10 1 5\n").has_value());
  EXPECT_FALSE(parse_maildirsize("").has_value());
}

// Issue 12 item 12: two lines near INT64_MAX overflowed the sum (undefined
// behaviour; UBSan reported it). Numbers no store writes are refused, so the
// caller recounts; sums of allowed numbers saturate.
TEST(Maildirsize, AbsurdLinesAreRefusedSoTheCallerRecounts) {
  EXPECT_FALSE(parse_maildirsize("1000S\n9223372036854775807 1\n9223372036854775807 1\n"));
  EXPECT_FALSE(parse_maildirsize("1000S\n-9223372036854775808 1\n-1 1\n"));
  EXPECT_FALSE(parse_maildirsize("1000S\n1125899906842625 1\n"));  // 2^50 + 1 bytes
  EXPECT_FALSE(parse_maildirsize("1000S\n1 -1099511627777\n"));    // -(2^40 + 1) messages
  auto edge = parse_maildirsize("1000S\n1125899906842624 1099511627776\n");
  ASSERT_TRUE(edge.has_value());
  EXPECT_EQ(edge->usage.bytes, std::int64_t{1} << 50);
}

TEST(Maildirsize, SumsSaturate) {
  EXPECT_EQ(saturating_add(INT64_MAX, 1), INT64_MAX);
  EXPECT_EQ(saturating_add(INT64_MAX - 1, 1), INT64_MAX);
  EXPECT_EQ(saturating_add(INT64_MIN, -5), INT64_MIN);
  EXPECT_EQ(saturating_add(-3, 5), 2);
  // 2^50 per line: 8193 lines pass INT64_MAX (2^63 = 8192 x 2^50).
  std::string content = "1000S\n";
  for (int i = 0; i < 8200; ++i) content += "1125899906842624 1\n";
  auto m = parse_maildirsize(content);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->usage.bytes, INT64_MAX);
  EXPECT_EQ(m->usage.count, 8200);
}

class Quota : public ::testing::Test {
 protected:
  Maildir open(const Options& o) {
    auto md = Maildir::open(dir_ / "Maildir", o);
    EXPECT_TRUE(md.has_value());
    return std::move(*md);
  }
  void deliver(Maildir& md, const std::string& folder, std::size_t bytes) {
    const std::string body(bytes, 'x');
    const std::string_view p[] = {body};
    auto f = md.folder(folder);
    ASSERT_TRUE(f.has_value());
    Delivery d(md);
    ASSERT_TRUE(d.stage(*f, p).has_value());
    ASSERT_TRUE(d.commit().all_delivered());
  }
  TempDir dir_;
};

TEST_F(Quota, NoMaildirsizeNoDefaultMeansNoQuota) {
  auto md = open(test_options());
  auto c = md.check_quota(1u << 30);
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->limited);
  EXPECT_TRUE(c->ok());
  EXPECT_TRUE(md.enforce_quota(1u << 30).has_value());
  EXPECT_TRUE(record_delivery(md, 100).has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "Maildir/maildirsize"));
}

// After a check found no quota, the Maildir object does no more quota I/O:
// a maildirsize that appears meanwhile is neither read nor appended to
// (it counts from the next delivery, i.e. the next object).
TEST_F(Quota, NoQuotaFoundOnceIsNotLookedForAgain) {
  auto md = open(test_options());
  ASSERT_TRUE(md.check_quota(10).has_value());
  EXPECT_TRUE(md.known_without_quota());
  write_file(dir_ / "Maildir/maildirsize", "100S\n0 0\n");
  auto again = md.check_quota(1000);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->limited);
  EXPECT_TRUE(record_delivery(md, 1000).has_value());
  EXPECT_EQ(read_file(dir_ / "Maildir/maildirsize"), "100S\n0 0\n");
  auto next = open(test_options());
  auto seen = next.check_quota(1000);
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(seen->limited);
  EXPECT_FALSE(seen->ok());
  EXPECT_FALSE(next.known_without_quota());
}

TEST_F(Quota, UsesMaildirsizeSums) {
  auto md = open(test_options());
  write_file(dir_ / "Maildir/maildirsize", "1000S,10C\n900 5\n");
  auto c = md.check_quota(100);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->limited);
  EXPECT_TRUE(c->ok());
  EXPECT_EQ(c->used.bytes, 900);
  EXPECT_FALSE(c->recalculated);
  auto over = md.check_quota(101);
  ASSERT_TRUE(over.has_value());
  EXPECT_EQ(over->over, QuotaResource::bytes);
}

TEST_F(Quota, CountLimit) {
  auto md = open(test_options());
  write_file(dir_ / "Maildir/maildirsize", "10C\n0 10\n");
  auto c = md.check_quota(1);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->over, QuotaResource::count);
}

TEST_F(Quota, EnforceIsTemporaryOrRejected) {
  Options o = test_options();
  auto md = open(o);
  write_file(dir_ / "Maildir/maildirsize", "100S\n100 1\n");
  auto s = md.enforce_quota(10);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind, ErrorKind::temporary);
  EXPECT_NE(s.error().message.find("over quota"), std::string::npos);
  o.over_quota_rejects = true;
  auto strict = open(o);
  auto r = strict.enforce_quota(10);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::rejected);
}

TEST_F(Quota, RecordDeliveryAppendsOneLine) {
  auto md = open(test_options());
  write_file(dir_ / "Maildir/maildirsize", "1000S,10C\n100 1\n");
  ASSERT_TRUE(record_delivery(md, 250).has_value());
  ASSERT_TRUE(record_delivery(md, 50, 2).has_value());
  EXPECT_EQ(read_file(dir_ / "Maildir/maildirsize"), "1000S,10C\n100 1\n250 1\n50 2\n");
  EXPECT_EQ(md.check_quota(0)->used.bytes, 400);
}

TEST_F(Quota, DefaultQuotaCreatesMaildirsizeByCounting) {
  Options o = test_options();
  o.default_quota = "1000S,50C";
  auto md = open(o);
  deliver(md, "INBOX", 100);
  deliver(md, "Junk", 200);
  deliver(md, "Lists/Work", 300);
  auto c = md.check_quota(0);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->recalculated);
  EXPECT_EQ(c->used.bytes, 600);
  EXPECT_EQ(c->used.count, 3);
  EXPECT_EQ(read_file(dir_ / "Maildir/maildirsize"), "1000S,50C\n600 3\n");
  EXPECT_TRUE(list_dir(dir_ / "Maildir/tmp").empty());
  EXPECT_EQ(md.check_quota(401)->over, QuotaResource::bytes);
}

TEST_F(Quota, BigFileIsRecalculated) {
  auto md = open(test_options());
  deliver(md, "INBOX", 10);
  std::string content = "1000S\n";
  while (content.size() <= 5120) content += "1 1\n";  // sums to nonsense
  write_file(dir_ / "Maildir/maildirsize", content);
  auto c = md.check_quota(0);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->recalculated);
  EXPECT_EQ(c->used.bytes, 10);
  EXPECT_EQ(c->used.count, 1);
  EXPECT_EQ(read_file(dir_ / "Maildir/maildirsize"), "1000S\n10 1\n");
}

TEST_F(Quota, StaleOverQuotaIsRecountedFreshIsNot) {
  auto md = open(test_options());
  deliver(md, "INBOX", 10);
  write_file(dir_ / "Maildir/maildirsize", "1000S\n5000 9\n");  // says over quota
  EXPECT_EQ(md.check_quota(0)->over, QuotaResource::bytes);     // fresh: trusted
  const std::string path = dir_ / "Maildir/maildirsize";
  const timespec old[2] = {{::time(nullptr) - 16L * 60, 0}, {::time(nullptr) - 16L * 60, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), old, 0), 0);
  auto c = md.check_quota(0);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->recalculated);
  EXPECT_TRUE(c->ok());
  EXPECT_EQ(c->used.bytes, 10);
}

// A corrupt line, or (issue 12 item 12) sums that would overflow int64.
TEST_F(Quota, CorruptSumIsRecalculatedKeepingDefinition) {
  auto md = open(test_options());
  deliver(md, "INBOX", 42);
  for (const char* content :
       {"1000S\ngarbage\n", "1000S\n9223372036854775807 1\n9223372036854775807 1\n"}) {
    write_file(dir_ / "Maildir/maildirsize", content);
    auto c = md.check_quota(0);
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(c->recalculated) << content;
    EXPECT_TRUE(c->ok()) << content;
    EXPECT_EQ(c->limit.bytes, 1000u);
    EXPECT_EQ(c->used.bytes, 42) << content;
  }
}

TEST_F(Quota, LimitAboveInt64IsNeverReached) {
  auto md = open(test_options());
  // A limit above INT64_MAX is never reached, not a negative one.
  write_file(dir_ / "Maildir/maildirsize", "18446744073709551615S\n100 1\n");
  EXPECT_TRUE(md.check_quota(1ULL << 62)->ok());
  EXPECT_TRUE(md.check_quota(UINT64_MAX)->ok());
}

// Issue 11: a maildirsize written from maildir.default_quota kept its first
// limit forever; a raised (or lowered, or removed) default now applies at
// the next delivery. A definition set by hand is kept.
TEST_F(Quota, MaildirsizeFromTheDefaultFollowsAChangedDefault) {
  Options o = test_options();
  o.default_quota = "100S";
  {
    auto md = open(o);
    deliver(md, "INBOX", 90);
    EXPECT_EQ(md.check_quota(20)->over, QuotaResource::bytes);
  }
  EXPECT_EQ(read_file(dir_ / "Maildir/maildirsize"), "100S\n90 1\n");
  o.default_quota = "1000S,5C";  // raised
  {
    auto md = open(o);
    auto c = md.check_quota(20);
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(c->ok());
    EXPECT_EQ(c->limit.bytes, 1000u);
    EXPECT_TRUE(c->from_default);
    EXPECT_TRUE(md.enforce_quota(20).has_value());
  }
  EXPECT_EQ(read_file(dir_ / "Maildir/maildirsize"), "1000S,5C\n90 1\n");
  o.default_quota = "";  // removed: no quota
  {
    auto md = open(o);
    auto c = md.check_quota(1u << 30);
    ASSERT_TRUE(c.has_value());
    EXPECT_FALSE(c->limited);
  }
}

TEST_F(Quota, MaildirsizeSetByHandIsKept) {
  Options o = test_options();
  o.default_quota = "100S";
  {
    auto md = open(o);
    deliver(md, "INBOX", 90);
    ASSERT_TRUE(md.check_quota(0).has_value());
  }
  write_file(dir_ / "Maildir/maildirsize", "50S\n90 1\n");  // the admin's own limit
  o.default_quota = "1000S";
  auto md = open(o);
  auto c = md.check_quota(0);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->limit.bytes, 50u);
  EXPECT_FALSE(c->from_default);
  EXPECT_EQ(read_file(dir_ / "Maildir/maildirsize"), "50S\n90 1\n");
  // A file from before the marker (or another program) is the user's too.
  std::filesystem::remove(dir_ / "Maildir/maildirsize.default");
  write_file(dir_ / "Maildir/maildirsize", "100S\n90 1\n");
  EXPECT_EQ(open(o).check_quota(0)->limit.bytes, 100u);
}

TEST_F(Quota, RefusalNamesTheFileAndTheLimit) {
  Options o = test_options();
  o.default_quota = "100S";
  auto md = open(o);
  write_file(dir_ / "Maildir/maildirsize", "100S\n150 1\n");
  auto before_reading = md.enforce_quota(0);
  ASSERT_FALSE(before_reading.has_value());
  const std::string& m = before_reading.error().message;
  EXPECT_NE(m.find(dir_ / "Maildir/maildirsize"), std::string::npos) << m;
  EXPECT_NE(m.find("150 bytes stored > limit 100 bytes"), std::string::npos) << m;
  EXPECT_EQ(m.find("+ 0"), std::string::npos) << m;
  write_file(dir_ / "Maildir/maildirsize", "100S\n50 1\n");
  auto with_size = md.enforce_quota(60);
  ASSERT_FALSE(with_size.has_value());
  EXPECT_NE(with_size.error().message.find("50 bytes stored + 60 incoming > limit 100 bytes"),
            std::string::npos)
      << with_size.error().message;
  write_file(dir_ / "Maildir/maildirsize", "3C\n50 3\n");
  EXPECT_NE(md.enforce_quota(1).error().message.find("3 messages stored, limit 3 messages"),
            std::string::npos);
}

TEST_F(Quota, BadDefaultQuotaIsAConfigError) {
  Options o = test_options();
  o.default_quota = "lots";
  auto md = open(o);
  auto c = md.check_quota(0);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().kind, ErrorKind::config);
}

}  // namespace
}  // namespace mailroom::maildir
