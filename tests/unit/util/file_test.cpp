#include "mailroom/util/file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <string>

#include "unit/temp_files.hpp"

namespace mailroom {
namespace {

// One file per test: ctest runs the tests of this binary in parallel.
std::string temp_file_with(const std::string& content) {
  const auto* test = testing::UnitTest::GetInstance()->current_test_info();
  std::string path = mailroom::test::removed_at_exit(testing::TempDir() + "/mailroom-file-test-" +
                                                     test->name() + ".txt");
  FILE* file = std::fopen(path.c_str(), "wb");
  std::fwrite(content.data(), 1, content.size(), file);
  std::fclose(file);
  return path;
}

TEST(ReadWholeFile, ReadsEveryByte) {
  std::string content(100000, 'x');
  content[0] = '\0';
  content.back() = '\n';
  auto text = read_whole_file(temp_file_with(content), 1 << 20, ErrorKind::config);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, content);
}

TEST(ReadWholeFile, EmptyFileIsEmpty) {
  auto text = read_whole_file(temp_file_with(""), 10, ErrorKind::config);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "");
}

TEST(ReadWholeFile, LargerThanTheLimitIsAnError) {
  auto text = read_whole_file(temp_file_with(std::string(20000, 'y')), 10000, ErrorKind::config);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::config);
  EXPECT_NE(text.error().message.find("larger than 10000"), std::string::npos);
}

TEST(ReadWholeFile, MissingFileNamesThePathAndKind) {
  auto text = read_whole_file("/nonexistent/mailroom.toml", 10, ErrorKind::temporary);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::temporary);
  EXPECT_NE(text.error().message.find("/nonexistent/mailroom.toml"), std::string::npos);
}

TEST(ReadWholeFile, DirectoryIsAnError) {
  auto text = read_whole_file("/", 10, ErrorKind::config);
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("directory"), std::string::npos);
}

TEST(ReadWholeFile, ProcFileWithoutSizeIsReadToTheEnd) {
  auto text = read_whole_file("/proc/self/status", 1 << 20, ErrorKind::config);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_NE(text->find("Name:"), std::string::npos);
}

// A pipe: no size hint, data in several writes, closed at the end.
std::string read_pipe(const std::string& data, std::size_t max, std::size_t reserve, bool* more,
                      int* err) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  EXPECT_EQ(::write(fds[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::close(fds[1]);
  std::string out;
  out.reserve(reserve);
  *err = read_to_end(fds[0], max, out, more);
  ::close(fds[0]);
  return out;
}

TEST(ReadToEnd, ReadsPastWhatWasReserved) {
  std::string data(50000, 'a');
  data[49999] = 'z';
  bool more = true;
  int err = -1;
  EXPECT_EQ(read_pipe(data, 1 << 20, 0, &more, &err), data);
  EXPECT_EQ(err, 0);
  EXPECT_FALSE(more);
}

TEST(ReadToEnd, ExactlyTheLimitIsNotTruncated) {
  bool more = true;
  int err = -1;
  EXPECT_EQ(read_pipe(std::string(100, 'b'), 100, 16, &more, &err), std::string(100, 'b'));
  EXPECT_FALSE(more);
}

TEST(ReadToEnd, OneByteMoreIsTruncatedAtTheLimit) {
  bool more = false;
  int err = -1;
  EXPECT_EQ(read_pipe(std::string(101, 'c'), 100, 4096, &more, &err), std::string(100, 'c'));
  EXPECT_TRUE(more);
  EXPECT_EQ(err, 0);
}

TEST(ReadToEnd, AReadErrorIsReturned) {
  std::string out;
  EXPECT_EQ(read_to_end(-1, 100, out), EBADF);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace mailroom
