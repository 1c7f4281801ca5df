// The sealed memfd a session hands its workers for a large message
// (lmtp/message_file.hpp): every worker gets the same descriptor, so none
// may be able to change what the others read.
#include "lmtp/message_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace mailroom::lmtp {
namespace {

using namespace std::string_literals;

TEST(LmtpMessageFile, SealedAgainstEveryChange) {
  const std::string text = "Subject: big\n\nbody with a NUL \0 in it\n"s;
  auto file = sealed_message_file(text);
  ASSERT_TRUE(file);
  const int fd = file->get();
  EXPECT_EQ(::fcntl(fd, F_GET_SEALS), F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  EXPECT_EQ(::pwrite(fd, "X", 1, 0), -1);
  EXPECT_EQ(errno, EPERM);
  EXPECT_EQ(::ftruncate(fd, 1), -1);
  EXPECT_EQ(::ftruncate(fd, 1 << 20), -1);
  EXPECT_EQ(::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), -1);
  EXPECT_EQ(::fcntl(fd, F_ADD_SEALS, 0), -1);  // F_SEAL_SEAL: no more changes to the seals
  EXPECT_EQ(::mmap(nullptr, text.size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), MAP_FAILED);
  auto mapped = MappedMessage::map(fd);
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->bytes(), text);
}

TEST(LmtpMessageFile, MapsAnEmptyFileAsNothing) {
  auto file = sealed_message_file("");
  ASSERT_TRUE(file);
  auto mapped = MappedMessage::map(file->get());
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->bytes().empty());
}

}  // namespace
}  // namespace mailroom::lmtp
