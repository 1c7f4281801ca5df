// The delivery record (issue 12 item 7) and tmp/ clean-up (item 8).
#include "mailroom/maildir/delivery_record.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "maildir/siphash.hpp"
#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "unit/maildir/test_support.hpp"

namespace mailroom::maildir {
namespace {

using testing::list_dir;
using testing::TempDir;
using testing::test_options;
using testing::write_file;

std::string hex(const std::array<std::uint8_t, 16>& bytes) {
  std::string out;
  for (const auto b : bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::array<std::uint8_t, 16> reference_key() {
  std::array<std::uint8_t, 16> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  return key;
}

// The reference implementation's first 128-bit vector (key 00..0f, no input).
TEST(SipHash128, ReferenceVector) {
  detail::SipHash128 h(reference_key());
  EXPECT_EQ(hex(h.finish()), "a3817f04ba25a8e66df67214c7550293");
}

// The reference implementation's vectors_sip128[15] (input 00..0e: a whole
// word and a tail), and hashes of longer inputs as the word-at-a-time
// compress() gave them before the bulk loop kept the state in locals.
TEST(SipHash128, LongerInputsHashAsBefore) {
  std::string fifteen;
  for (int i = 0; i < 15; ++i) fifteen += static_cast<char>(i);
  detail::SipHash128 reference(reference_key());
  reference.update(fifteen);
  EXPECT_EQ(hex(reference.finish()), "5493e99933b0a8117e08ec0f97cfc3d9");
  std::string input;
  for (int i = 0; i < 4099; ++i) input += static_cast<char>((i * 131 + 7) & 0xff);
  const std::pair<std::size_t, std::string> recorded[] = {
      {15, "309155951b7ee0398f715dfdb2dd31b4"},
      {64, "d500fd8d2fedbdc97506180c1840e300"},
      {4099, "4f05609ecfbcf918ed13f9f939c4b8b0"}};
  for (const auto& [size, expected] : recorded) {
    detail::SipHash128 h(reference_key());
    h.update(std::string_view(input).substr(0, size));
    EXPECT_EQ(hex(h.finish()), expected) << size;
  }
}

TEST(SipHash128, PiecesHashAsOneString) {
  std::string input;
  for (int i = 0; i < 100; ++i) input += static_cast<char>(i * 7);
  detail::SipHash128 whole(reference_key());
  whole.update(input);
  const std::string expected = hex(whole.finish());
  for (std::size_t a = 0; a <= input.size(); a += 3) {
    for (std::size_t b = a; b <= input.size(); b += 5) {
      detail::SipHash128 parts(reference_key());
      parts.update(std::string_view(input).substr(0, a));
      parts.update(std::string_view(input).substr(a, b - a));
      parts.update(std::string_view(input).substr(b));
      ASSERT_EQ(hex(parts.finish()), expected) << a << " " << b;
    }
  }
}

class Record : public ::testing::Test {
 protected:
  void SetUp() override {
    auto md = Maildir::open(dir_ / "Maildir", test_options());
    ASSERT_TRUE(md.has_value());
    md_.emplace(std::move(*md));
  }
  DeliveryRecord record(long long window = 3600) {
    auto r = DeliveryRecord::open(*md_, {std::chrono::seconds(window)});
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return std::move(*r);
  }
  // Stages one message into folder, keeps it in the record under key,
  // commits; returns the path of the delivered file.
  std::string store(const std::string& folder, const DeliveryRecord& rec, const std::string& key) {
    const std::string_view body[] = {"Subject: x\n\nbody\n"};
    auto f = md_->folder(folder);
    EXPECT_TRUE(f.has_value());
    Delivery d(*md_);
    EXPECT_TRUE(d.stage(*f, body).has_value());
    EXPECT_TRUE(rec.keep(key, d).has_value());
    auto report = d.commit();
    EXPECT_TRUE(report.all_delivered());
    return report.copies.at(0).path;
  }
  void age(const std::string& rel, long long seconds) {
    const std::string path = dir_ / ("Maildir/mailroom-deliveries/" + rel);
    const timespec old[2] = {{::time(nullptr) - seconds, 0}, {::time(nullptr) - seconds, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), old, AT_SYMLINK_NOFOLLOW), 0) << path;
  }
  TempDir dir_;
  std::optional<Maildir> md_;
};

TEST_F(Record, KeyCoversMessageRecipientAndSecret) {
  auto r = record();
  const std::string k = r.key("Received: by mx id 1\n\nbody\n", "a@example.com");
  EXPECT_EQ(k.size(), 32u);
  EXPECT_EQ(k, record().key("Received: by mx id 1\n\nbody\n", "a@example.com"));  // same secret
  EXPECT_NE(k, r.key("Received: by mx id 2\n\nbody\n", "a@example.com"));
  EXPECT_NE(k, r.key("Received: by mx id 1\n\nbody\n", "b@example.com"));
  // The recipient and the message cannot trade bytes.
  EXPECT_NE(r.key("xb", "a"), r.key("b", "ax"));
  // Another Maildir has another secret, so another key.
  TempDir other;
  auto md2 = Maildir::open(other / "Maildir", test_options());
  auto r2 = DeliveryRecord::open(*md2, {std::chrono::seconds(3600)});
  EXPECT_NE(k, r2->key("Received: by mx id 1\n\nbody\n", "a@example.com"));
  // Large input: the middle is not keyed, head, tail and length are.
  std::string big(3u << 20, 'x');
  const std::string kb = r.key(big, "a");
  big[(3u << 20) / 2] = 'y';
  EXPECT_EQ(kb, r.key(big, "a"));
  big[10] = 'y';
  EXPECT_NE(kb, r.key(big, "a"));
  big.back() = 'z';
  EXPECT_NE(r.key(big.substr(0, big.size() - 1), "a"), r.key(big, "a"));
}

TEST_F(Record, KeptCopyIsADeliveryWhileStored) {
  auto r = record();
  const std::string key = r.key("m", "a");
  EXPECT_FALSE(r.delivered(key));
  const std::string path = store("INBOX", r, key);
  EXPECT_TRUE(r.delivered(key));
  EXPECT_FALSE(r.delivered(r.key("m2", "a")));
  // Nothing is left in tmp/: the staged file moved to the record.
  EXPECT_TRUE(list_dir(dir_ / "Maildir/tmp").empty());
  // A reader moves it to cur/: still the same file.
  const std::string cur = dir_ / ("Maildir/cur/" + path.substr(path.rfind('/') + 1) + ":2,S");
  std::filesystem::rename(path, cur);
  EXPECT_TRUE(r.delivered(key));
  // The user deleted it: a retry stores it again rather than lose it.
  std::filesystem::remove(cur);
  EXPECT_FALSE(r.delivered(key));
}

TEST_F(Record, CopyInAFolderCounts) {
  auto r = record();
  const std::string key = r.key("m", "a");
  const std::string path = store("Lists/Work", r, key);
  EXPECT_NE(path.find("/.Lists.Work/new/"), std::string::npos) << path;
  EXPECT_TRUE(r.delivered(key));
}

TEST_F(Record, KeptButNeverLinkedIsNoDelivery) {
  // Killed after keep, before the link: the retry must deliver.
  auto r = record();
  const std::string key = r.key("m", "a");
  const pid_t pid = ::fork();
  if (pid == 0) {  // as after kill -9: no destructor runs
    const std::string_view body[] = {"x\n"};
    Delivery d(*md_);
    const bool kept = d.stage(md_->inbox(), body).has_value() && r.keep(key, d).has_value();
    ::_exit(kept ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_EQ(status, 0);
  EXPECT_TRUE(std::filesystem::exists(dir_ / ("Maildir/mailroom-deliveries/" + key)));
  EXPECT_FALSE(r.delivered(key));
  // The retry keeps its own copy over the old entry.
  store("INBOX", r, key);
  EXPECT_TRUE(r.delivered(key));
  EXPECT_EQ(list_dir(dir_ / "Maildir/new").size(), 1u);
}

TEST_F(Record, UncommittedDeliveryLeavesNoEntry) {
  auto r = record();
  const std::string key = r.key("m", "a");
  {
    const std::string_view body[] = {"x\n"};
    Delivery d(*md_);
    ASSERT_TRUE(d.stage(md_->inbox(), body).has_value());
    ASSERT_TRUE(r.keep(key, d).has_value());
  }  // an error path: the destructor removes the staged file, now in the record
  EXPECT_FALSE(std::filesystem::exists(dir_ / ("Maildir/mailroom-deliveries/" + key)));
}

TEST_F(Record, OutsideTheWindowIsNotARetry) {
  auto r = record(600);
  const std::string key = r.key("m", "a");
  const std::string path = store("INBOX", r, key);
  const timespec old[2] = {{::time(nullptr) - 601, 0}, {::time(nullptr) - 601, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), old, 0), 0);
  EXPECT_FALSE(r.delivered(key));
}

TEST_F(Record, OnlyRegularFilesCount) {
  auto r = record();
  const std::string rd = dir_ / "Maildir/mailroom-deliveries/";
  const std::string key(32, 'a');
  std::filesystem::create_directories(dir_ / "d");
  std::filesystem::create_directory_symlink(dir_ / "d", rd + key);
  EXPECT_FALSE(r.delivered(key));
  EXPECT_FALSE(r.delivered("../../etc/passwd"));
}

TEST_F(Record, OldEntriesExpireAtMostEveryQuarterWindow) {
  auto r = record(400);
  const std::string old_key = r.key("old", "a");
  const std::string new_key = r.key("new", "a");
  store("INBOX", r, old_key);
  store("INBOX", r, new_key);
  age(old_key, 401);
  r.expire_old_entries();  // no stamp yet: scans
  const std::string rd = dir_ / "Maildir/mailroom-deliveries";
  EXPECT_FALSE(std::filesystem::exists(rd + "/" + old_key));
  EXPECT_TRUE(std::filesystem::exists(rd + "/" + new_key));
  EXPECT_TRUE(std::filesystem::is_symlink(rd + "/.key"));
  EXPECT_EQ(list_dir(dir_ / "Maildir/new").size(), 2u);  // the messages stay
  age(new_key, 401);
  r.expire_old_entries();  // the stamp is fresh: no scan
  EXPECT_TRUE(std::filesystem::exists(rd + "/" + new_key));
  age(".expired", 101);  // older than a quarter of 400 s
  r.expire_old_entries();
  EXPECT_FALSE(std::filesystem::exists(rd + "/" + new_key));
  EXPECT_EQ(list_dir(dir_ / "Maildir/new").size(), 2u);
}

TEST_F(Record, SecretThatIsNotHexIsAnError) {
  record();
  const std::string rd = dir_ / "Maildir/mailroom-deliveries";
  std::filesystem::remove(rd + "/.key");
  std::filesystem::create_symlink("nothex", rd + "/.key");
  auto r = DeliveryRecord::open(*md_, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find(".key"), std::string::npos);
}

class TmpCleanupTest : public Record {
 protected:
  void make_old(const std::string& rel, long long seconds) {
    const std::string path = dir_ / ("Maildir/" + rel);
    write_file(path, "staged");
    const timespec old[2] = {{::time(nullptr) - seconds, 0}, {::time(nullptr) - seconds, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), old, AT_SYMLINK_NOFOLLOW), 0);
  }
};

// ctime cannot be set back: policy.older_than_seconds = 0 stands in for 36 h
// where a file must count as old; the 36 h default keeps a fresh file.
TEST_F(TmpCleanupTest, RemovesOldFilesAtMostOncePerInterval) {
  make_old("tmp/abandoned", 40 * 3600);
  std::filesystem::create_directories(dir_ / "Maildir/tmp/subdir");
  EXPECT_EQ(clean_tmp(md_->inbox()), 0u);  // ctime is now: not 36 h old
  EXPECT_EQ(list_dir(dir_ / "Maildir/tmp"), (std::vector<std::string>{"abandoned", "subdir"}));
  TmpCleanup now_old{-1, 8 * 3600};
  EXPECT_EQ(clean_tmp(md_->inbox(), now_old), 0u);  // the stamp is fresh: no scan
  TmpCleanup every_time{-1, 0};
  ::sleep(1);
  EXPECT_EQ(clean_tmp(md_->inbox(), every_time), 1u);
  EXPECT_EQ(list_dir(dir_ / "Maildir/tmp"), std::vector<std::string>{"subdir"});
}

// A folder remembers a stamp it saw fresh (held between deliveries by
// mailroom lmtp: one stat less a message); a folder opened afresh looks.
TEST_F(TmpCleanupTest, AStampSeenFreshIsRememberedByTheFolder) {
  const std::string stamp = dir_ / "Maildir/mailroom-tmp-cleaned";
  EXPECT_EQ(clean_tmp(md_->inbox()), 0u);  // no stamp: made, tmp/ scanned
  EXPECT_EQ(clean_tmp(md_->inbox()), 0u);  // seen fresh
  std::filesystem::remove(stamp);
  EXPECT_EQ(clean_tmp(md_->inbox()), 0u);
  EXPECT_FALSE(std::filesystem::exists(stamp));  // not looked at again
  auto reopened = Maildir::open(dir_ / "Maildir", test_options());
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(clean_tmp(reopened->inbox()), 0u);
  EXPECT_TRUE(std::filesystem::exists(stamp));
}

TEST_F(TmpCleanupTest, AFifoStampIsReplaced) {
  ASSERT_EQ(::mkfifo((dir_ / "Maildir/mailroom-tmp-cleaned").c_str(), 0600), 0);
  write_file(dir_ / "Maildir/tmp/abandoned", "x");
  EXPECT_EQ(clean_tmp(md_->inbox(), {-1, 8 * 3600}), 1u);
  struct stat st {};
  ASSERT_EQ(::lstat((dir_ / "Maildir/mailroom-tmp-cleaned").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

}  // namespace
}  // namespace mailroom::maildir
