#include "mailroom/message/buffer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::message {
namespace {

UniqueFd temp_file(const std::string& content) {
  char path[] = "/tmp/mailroom-buffer-XXXXXX";
  UniqueFd fd(::mkstemp(path));
  ::unlink(path);
  if (!content.empty()) {
    EXPECT_EQ(::write(fd.get(), content.data(), content.size()),
              static_cast<ssize_t>(content.size()));
  }
  return fd;
}

TEST(Buffer, FromStringOwnsBytes) {
  std::string s = "Subject: x\r\n\r\nbody";
  const Buffer b = Buffer::from_string(s);
  EXPECT_EQ(b.bytes(), s);
  EXPECT_FALSE(b.mapped());
}

TEST(Buffer, MoveKeepsBytesInPlace) {
  Buffer a = Buffer::from_string(std::string(1000, 'x'));
  const char* data = a.bytes().data();
  Buffer b = std::move(a);
  EXPECT_EQ(b.bytes().data(), data);
  EXPECT_EQ(b.size(), 1000U);
}

TEST(Buffer, MapFile) {
  const UniqueFd fd = temp_file("From: a@b\n\nhello\n");
  auto b = Buffer::map_file(fd.get());
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_TRUE(b->mapped());
  EXPECT_EQ(b->bytes(), "From: a@b\n\nhello\n");
  Buffer moved = std::move(*b);
  EXPECT_EQ(moved.bytes(), "From: a@b\n\nhello\n");
}

// A mapped buffer keeps its own descriptor of the file (for writers that
// copy file to file): readable after the caller's is closed, moved along,
// closed with the buffer. A buffer in memory has none.
TEST(Buffer, MappedBufferKeepsItsFile) {
  std::optional<Buffer> kept;
  {
    UniqueFd fd = temp_file("From: a@b\n\nhello\n");
    auto b = Buffer::map_file(fd.get());
    ASSERT_TRUE(b.has_value());
    kept.emplace(std::move(*b));
  }
  const int file = kept->file();
  ASSERT_GE(file, 0);
  char first[5] = {};
  ASSERT_EQ(::pread(file, first, 4, 0), 4);
  EXPECT_STREQ(first, "From");
  Buffer moved = std::move(*kept);
  EXPECT_EQ(moved.file(), file);
  EXPECT_EQ(kept->file(), -1);
  EXPECT_EQ(Buffer::from_string("x").file(), -1);
}

TEST(Buffer, MapEmptyFileGivesEmptyBuffer) {
  const UniqueFd fd = temp_file("");
  auto b = Buffer::map_file(fd.get());
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(b->mapped());
  EXPECT_TRUE(b->bytes().empty());
}

TEST(Buffer, MapNonRegularFileFails) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const UniqueFd r(fds[0]);
  const UniqueFd w(fds[1]);
  EXPECT_FALSE(Buffer::map_file(r.get()).has_value());
  EXPECT_FALSE(Buffer::map_file(-1).has_value());
}

}  // namespace
}  // namespace mailroom::message
