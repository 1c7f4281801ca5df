// Delivery: unique names, O_EXCL staging, linking without ever replacing a
// file, several copies in one commit, flags into cur/, clean-up paths.
#include "mailroom/maildir/delivery.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "maildir/staged_registry.hpp"
#include "maildir/unique_name.hpp"
#include "unit/maildir/test_support.hpp"

namespace mailroom::maildir {
namespace {

using testing::list_dir;
using testing::read_file;
using testing::TempDir;
using testing::test_options;
using testing::write_file;

constexpr std::string_view kHeader = "Delivered-To: bob@example.net\n";
constexpr std::string_view kMessage = "From: a@example.org\nSubject: hi\n\nbody\n";

std::vector<std::string_view> pieces() { return {kHeader, kMessage}; }

timespec fixed_clock() { return timespec{1700000000, 123456000}; }

class FrozenClock {
 public:
  FrozenClock() {
    detail::set_clock_for_testing(&fixed_clock);
    detail::set_sequence_for_testing(0);
  }
  ~FrozenClock() { detail::set_clock_for_testing(nullptr); }
  FrozenClock(const FrozenClock&) = delete;
  FrozenClock& operator=(const FrozenClock&) = delete;
  // The name stage() will try for sequence number q.
  static std::string name(std::uint64_t q, std::size_t size, std::size_t wsize) {
    return "1700000000.M123456P" + std::to_string(::getpid()) + "Q" + std::to_string(q) +
           ".test.example,S=" + std::to_string(size) + ",W=" + std::to_string(wsize);
  }
};

Maildir open_maildir(const TempDir& dir) {
  auto md = Maildir::open(dir / "Maildir", test_options());
  EXPECT_TRUE(md.has_value()) << md.error().message;
  return std::move(*md);
}

TEST(Delivery, OpenCreatesRootWithTmpNewCur) {
  TempDir dir;
  auto md = open_maildir(dir);
  EXPECT_EQ(list_dir(dir / "Maildir"), (std::vector<std::string>{"cur", "new", "tmp"}));
  EXPECT_EQ(md.root(), dir / "Maildir");
}

TEST(Delivery, OpenWithoutCreateGivesHint) {
  TempDir dir;
  Options o = test_options();
  o.create = false;
  auto md = Maildir::open(dir / "missing", o);
  ASSERT_FALSE(md.has_value());
  EXPECT_EQ(md.error().kind, ErrorKind::temporary);
  EXPECT_NE(md.error().message.find("perhaps you need to create the maildirs in advance"),
            std::string::npos)
      << md.error().message;
}

TEST(Delivery, UniqueNameFormatAndSizes) {
  TempDir dir;
  auto md = open_maildir(dir);
  Delivery d(md);
  const auto p = pieces();
  ASSERT_TRUE(d.stage(md.inbox(), p).has_value());
  auto report = d.commit();
  ASSERT_EQ(report.copies.size(), 1u);
  ASSERT_TRUE(report.copies[0].delivered());
  const auto files = list_dir(dir / "Maildir/new");
  ASSERT_EQ(files.size(), 1u);
  const std::size_t size = kHeader.size() + kMessage.size();
  const std::size_t lines = 5;  // every line ends in a bare LF
  const std::regex shape(R"(\d+\.M\d+P\d+Q\d+\.test\.example,S=(\d+),W=(\d+))");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(files[0], m, shape)) << files[0];
  EXPECT_EQ(std::stoul(m[1]), size);
  EXPECT_EQ(std::stoul(m[2]), size + lines);
  EXPECT_EQ(read_file(dir / ("Maildir/new/" + files[0])),
            std::string(kHeader) + std::string(kMessage));
  EXPECT_EQ(report.copies[0].path, dir / ("Maildir/new/" + files[0]));
  EXPECT_TRUE(list_dir(dir / "Maildir/tmp").empty());
}

TEST(Delivery, ConsecutiveNamesDiffer) {
  TempDir dir;
  auto md = open_maildir(dir);
  for (int i = 0; i < 50; ++i) {
    Delivery d(md);
    ASSERT_TRUE(d.stage(md.inbox(), pieces()).has_value());
    ASSERT_TRUE(d.commit().all_delivered());
  }
  EXPECT_EQ(list_dir(dir / "Maildir/new").size(), 50u);
}

TEST(Delivery, SizesAreExactOrOmitted) {
  const std::string_view crlf[] = {"a\r\nb\r\n"};
  EXPECT_EQ(*detail::measure(crlf).crlf_bytes, 6u);
  const std::string_view split_crlf[] = {"a\r", "\nb\n"};  // CR and LF in different pieces
  EXPECT_EQ(*detail::measure(split_crlf).crlf_bytes, 6u);
  const std::string_view bare_cr[] = {"a\rb\n"};
  EXPECT_FALSE(detail::measure(bare_cr).crlf_bytes.has_value());
  const std::string_view trailing_cr[] = {"a\n\r"};
  EXPECT_FALSE(detail::measure(trailing_cr).crlf_bytes.has_value());
  const std::string_view nul[] = {std::string_view("a\0b\n", 4)};
  EXPECT_FALSE(detail::measure(nul).crlf_bytes.has_value());
  EXPECT_EQ(detail::measure(nul).bytes, 4u);
  // An empty piece between the CR and its LF; a bare LF counts one more.
  const std::string_view gap[] = {"a\r", "", "\nb\nc\n"};
  EXPECT_EQ(*detail::measure(gap).crlf_bytes, 9u);
  const std::string_view lf_only[] = {"x\ny\n", "z\n"};
  EXPECT_EQ(detail::measure(lf_only).bytes, 6u);
  EXPECT_EQ(*detail::measure(lf_only).crlf_bytes, 9u);
  const std::string_view nothing[] = {"", ""};
  EXPECT_EQ(*detail::measure(nothing).crlf_bytes, 0u);
}

TEST(Delivery, HostnameIsSanitised) {
  EXPECT_EQ(detail::sanitise_hostname("a/b:c,d"), "a\\057b\\072c\\054d");
  EXPECT_EQ(detail::sanitise_hostname(""), "localhost");
  EXPECT_LE(detail::sanitise_hostname(std::string(300, '/')).size(), 64u);
  EXPECT_EQ(detail::size_from_name("1.M2P3.host,S=1234,W=1250:2,S"), 1234u);
  EXPECT_FALSE(detail::size_from_name("1.M2P3.host").has_value());
}

TEST(Delivery, RetriesWithNewNameWhenTmpNameExists) {
  TempDir dir;
  auto md = open_maildir(dir);
  FrozenClock clock;
  const std::size_t size = kMessage.size();
  const std::string taken = FrozenClock::name(0, size, size + 4);
  write_file(dir / ("Maildir/tmp/" + taken), "someone else's file");
  Delivery d(md);
  const std::string_view p[] = {kMessage};
  ASSERT_TRUE(d.stage(md.inbox(), p).has_value());
  EXPECT_EQ(read_file(dir / ("Maildir/tmp/" + taken)), "someone else's file");
  EXPECT_TRUE(d.commit().all_delivered());
  EXPECT_EQ(list_dir(dir / "Maildir/new"),
            (std::vector<std::string>{FrozenClock::name(1, size, size + 4)}));
}

TEST(Delivery, GivesUpAfterMaxNameAttempts) {
  TempDir dir;
  auto md = open_maildir(dir);
  FrozenClock clock;
  const std::size_t size = kMessage.size();
  for (std::uint64_t q = 0; q < 8; ++q)
    write_file(dir / ("Maildir/tmp/" + FrozenClock::name(q, size, size + 4)), "x");
  Delivery d(md);
  const std::string_view p[] = {kMessage};
  auto s = d.stage(md.inbox(), p);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind, ErrorKind::temporary);
  EXPECT_EQ(s.error().sys_errno, EEXIST);
  EXPECT_EQ(list_dir(dir / "Maildir/tmp").size(), 8u);
}

TEST(Delivery, NeverOverwritesAnExistingFileInNew) {
  TempDir dir;
  auto md = open_maildir(dir);
  FrozenClock clock;
  const std::size_t size = kMessage.size();
  const std::string first = FrozenClock::name(0, size, size + 4);
  write_file(dir / ("Maildir/new/" + first), "already delivered");
  Delivery d(md);
  const std::string_view p[] = {kMessage};
  ASSERT_TRUE(d.stage(md.inbox(), p).has_value());  // tmp/ is free, so Q0 is staged
  auto report = d.commit();
  ASSERT_TRUE(report.all_delivered());
  EXPECT_EQ(read_file(dir / ("Maildir/new/" + first)), "already delivered");
  const auto files = list_dir(dir / "Maildir/new");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(report.copies[0].path, dir / ("Maildir/new/" + FrozenClock::name(1, size, size + 4)));
  EXPECT_EQ(read_file(report.copies[0].path), kMessage);
  EXPECT_TRUE(list_dir(dir / "Maildir/tmp").empty());
}

TEST(Delivery, SeveralCopiesInOneCommit) {
  TempDir dir;
  auto md = open_maildir(dir);
  auto junk = md.folder("Junk");
  auto work = md.folder("Lists/Work");
  ASSERT_TRUE(junk && work);
  Delivery d(md);
  ASSERT_TRUE(d.stage(md.inbox(), pieces()).has_value());
  ASSERT_TRUE(d.stage(*junk, pieces(), "S").has_value());
  ASSERT_TRUE(d.stage(*work, pieces()).has_value());
  EXPECT_EQ(d.staged(), 3u);
  // Nothing is visible before commit.
  EXPECT_TRUE(list_dir(dir / "Maildir/new").empty());
  EXPECT_TRUE(list_dir(dir / "Maildir/.Lists.Work/new").empty());
  auto report = d.commit();
  ASSERT_EQ(report.copies.size(), 3u);
  EXPECT_TRUE(report.all_delivered());
  EXPECT_EQ(report.copies[0].folder, "INBOX");
  EXPECT_EQ(report.copies[1].folder, "Junk");
  EXPECT_EQ(report.copies[2].folder, "Lists/Work");
  EXPECT_EQ(list_dir(dir / "Maildir/new").size(), 1u);
  EXPECT_EQ(list_dir(dir / "Maildir/.Junk/cur").size(), 1u);
  EXPECT_EQ(list_dir(dir / "Maildir/.Lists.Work/new").size(), 1u);
  for (const char* t : {"Maildir/tmp", "Maildir/.Junk/tmp", "Maildir/.Lists.Work/tmp"}) {
    EXPECT_TRUE(list_dir(dir / t).empty()) << t;
  }
  EXPECT_TRUE(any_copy_linked_from_signal_handler());
}

// While a commit links, the watchdog counts the delivery as linked (it
// must not exit 75 halfway); a commit that linked nothing leaves
// "nothing linked" once it is over.
TEST(Delivery, LinkingCountsAsLinkedUntilTheCommitEnds) {
  forget_linked_copies();
  detail::set_linking(true);
  EXPECT_TRUE(any_copy_linked_from_signal_handler());
  detail::set_linking(false);
  EXPECT_FALSE(any_copy_linked_from_signal_handler());
  TempDir dir;
  auto md = open_maildir(dir);
  Delivery d(md);
  EXPECT_FALSE(d.commit().any_delivered());  // nothing staged
  EXPECT_FALSE(any_copy_linked_from_signal_handler());
}

TEST(Delivery, FlagsGoToCurSortedAndDeduplicated) {
  TempDir dir;
  auto md = open_maildir(dir);
  Delivery d(md);
  ASSERT_TRUE(d.stage(md.inbox(), pieces(), "SFaS").has_value());
  auto report = d.commit();
  ASSERT_TRUE(report.all_delivered());
  EXPECT_TRUE(list_dir(dir / "Maildir/new").empty());
  const auto files = list_dir(dir / "Maildir/cur");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].ends_with(":2,FSa")) << files[0];
}

TEST(Delivery, InvalidFlagsAreRefusedBeforeWriting) {
  TempDir dir;
  auto md = open_maildir(dir);
  Delivery d(md);
  for (const char* bad : {"X", "1", ":", "S,", "2,S", "\\Seen"}) {
    auto s = d.stage(md.inbox(), pieces(), bad);
    ASSERT_FALSE(s.has_value()) << bad;
    EXPECT_EQ(s.error().kind, ErrorKind::parse);
  }
  EXPECT_TRUE(list_dir(dir / "Maildir/tmp").empty());
  EXPECT_EQ(normalise_flags("TSRPFD").value(), "DFPRST");
}

TEST(Delivery, DestructorRemovesUncommittedTmpFiles) {
  TempDir dir;
  auto md = open_maildir(dir);
  {
    Delivery d(md);
    ASSERT_TRUE(d.stage(md.inbox(), pieces()).has_value());
    ASSERT_TRUE(d.stage(md.inbox(), pieces(), "S").has_value());
    EXPECT_EQ(list_dir(dir / "Maildir/tmp").size(), 2u);
  }
  EXPECT_TRUE(list_dir(dir / "Maildir/tmp").empty());
  EXPECT_TRUE(list_dir(dir / "Maildir/new").empty());
  EXPECT_TRUE(list_dir(dir / "Maildir/cur").empty());
}

TEST(Delivery, SignalHandlerCleanupUnlinksStagedFiles) {
  TempDir dir;
  auto md = open_maildir(dir);
  struct sigaction action {};
  struct sigaction old {};
  action.sa_handler = [](int) { unlink_staged_tmp_files_from_signal_handler(); };
  ASSERT_EQ(::sigaction(SIGALRM, &action, &old), 0);
  Delivery d(md);
  ASSERT_TRUE(d.stage(md.inbox(), pieces()).has_value());
  auto junk = md.folder("Junk");
  ASSERT_TRUE(junk.has_value());
  ASSERT_TRUE(d.stage(*junk, pieces()).has_value());
  ASSERT_EQ(::raise(SIGALRM), 0);
  ::sigaction(SIGALRM, &old, nullptr);
  EXPECT_TRUE(list_dir(dir / "Maildir/tmp").empty());
  EXPECT_TRUE(list_dir(dir / "Maildir/.Junk/tmp").empty());
  // What the watchdog leaves behind is no longer deliverable: commit says so.
  auto report = d.commit();
  EXPECT_FALSE(report.any_delivered());
  EXPECT_TRUE(list_dir(dir / "Maildir/new").empty());
}

TEST(Delivery, EmptyMessageAndManyPieces) {
  TempDir dir;
  auto md = open_maildir(dir);
  Delivery d(md);
  ASSERT_TRUE(d.stage(md.inbox(), std::span<const std::string_view>()).has_value());
  std::vector<std::string> store(40, "line\n");
  std::vector<std::string_view> many(store.begin(), store.end());  // more than one writev batch
  ASSERT_TRUE(d.stage(md.inbox(), many).has_value());
  auto report = d.commit();
  ASSERT_TRUE(report.all_delivered());
  EXPECT_EQ(read_file(report.copies[0].path), "");
  EXPECT_EQ(read_file(report.copies[1].path).size(), 200u);
  EXPECT_TRUE(report.copies[1].path.ends_with(",S=200,W=240"));
}

// A message that is also a file (a spooled one): pieces inside it are
// copied from the file, the others written; the result is the same bytes.
// Also when the kernel cannot copy from that descriptor (write-only here):
// then the pieces are written from memory.
TEST(Delivery, PiecesOfASourceFileAreCopiedFromIt) {
  TempDir dir;
  auto md = open_maildir(dir);
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + " of the spooled message\n";
  write_file(dir / "spool", text);
  const int readable = ::open((dir / "spool").c_str(), O_RDONLY | O_CLOEXEC);
  const int write_only = ::open((dir / "spool").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(readable, 0);
  ASSERT_GE(write_only, 0);
  const std::string_view all = text;
  const std::vector<std::string_view> spliced{"Added: 1\n", all.substr(0, 100), "X-Renamed: 2\n",
                                              all.substr(200), ""};
  const std::string expected =
      "Added: 1\n" + text.substr(0, 100) + "X-Renamed: 2\n" + text.substr(200);
  Delivery d(md);
  ASSERT_TRUE(d.stage(md.inbox(), spliced, {}, SourceFile{all, readable}).has_value());
  ASSERT_TRUE(d.stage(md.inbox(), spliced, {}, SourceFile{all, write_only}).has_value());
  auto report = d.commit();
  ::close(readable);
  ::close(write_only);
  ASSERT_TRUE(report.all_delivered());
  for (const auto& copy : report.copies) {
    EXPECT_EQ(read_file(copy.path), expected);
    EXPECT_TRUE(copy.path.find(",S=" + std::to_string(expected.size()) + ",") != std::string::npos);
  }
}

TEST(Delivery, TooManyStagedCopiesIsALimit) {
  TempDir dir;
  auto md = open_maildir(dir);
  Delivery d(md);
  Status last = ok();
  for (int i = 0; i < 65 && last; ++i) last = d.stage(md.inbox(), pieces());
  ASSERT_FALSE(last.has_value());
  EXPECT_EQ(last.error().kind, ErrorKind::limit);
  EXPECT_EQ(list_dir(dir / "Maildir/tmp").size(), 64u);
}

TEST(Delivery, FileMode) {
  TempDir dir;
  Options o = test_options();
  o.file_mode = 0640;
  auto md = Maildir::open(dir / "Maildir", o);
  ASSERT_TRUE(md.has_value());
  const mode_t old_umask = ::umask(0);
  Delivery d(*md);
  ASSERT_TRUE(d.stage(md->inbox(), pieces()).has_value());
  auto report = d.commit();
  ::umask(old_umask);
  struct stat st {};
  ASSERT_EQ(::stat(report.copies[0].path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

}  // namespace
}  // namespace mailroom::maildir
