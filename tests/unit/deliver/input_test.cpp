#include "deliver/input.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace mailroom::deliver {
namespace {

// The input as a file descriptor (a pipe would block on large inputs).
int fd_with(const std::string& content) {
  FILE* file = std::tmpfile();
  std::fwrite(content.data(), 1, content.size(), file);
  std::fflush(file);
  int fd = ::dup(fileno(file));
  std::fclose(file);
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

Result<Input> read(const std::string& content, InputLimits limits = {}) {
  int fd = fd_with(content);
  auto input = read_message(fd, limits, testing::TempDir());
  ::close(fd);
  return input;
}

std::string normalize_in_chunks(const std::string& in, std::size_t chunk) {
  LineEndingNormalizer normalizer;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += chunk)
    normalizer.feed(std::string_view(in).substr(i, chunk), out);
  normalizer.finish(out);
  return out;
}

TEST(LineEndings, CrlfBecomesLfAtEveryChunkSize) {
  const std::string in = "A: 1\r\nB: 2\r\n\r\nbody\rwith lone CR\r\nCR CRLF\r\r\n\r\rend\r";
  const std::string expected = "A: 1\nB: 2\n\nbody\rwith lone CR\nCR CRLF\r\n\r\rend\r";
  for (std::size_t chunk = 1; chunk <= in.size(); ++chunk)
    EXPECT_EQ(normalize_in_chunks(in, chunk), expected) << "chunk " << chunk;
}

TEST(LineEndings, LfInputIsUnchanged) {
  EXPECT_EQ(normalize_in_chunks("a\nb\n\nc\n", 3), "a\nb\n\nc\n");
}

TEST(FromLine, SenderIsTaken) {
  EXPECT_EQ(parse_from_line("From alice@example.org  Sat Nov 28 20:00:00 2026\n"),
            "alice@example.org");
  EXPECT_EQ(parse_from_line("From MAILER-DAEMON Sat Nov 28 20:00:00 2026\n"), "");
  EXPECT_FALSE(parse_from_line("From: alice@example.org\n"));
  EXPECT_FALSE(parse_from_line("Subject: x\n"));
}

TEST(Input, FromLineIsStrippedAndRemembered) {
  auto input =
      read("From alice@example.org Sat Nov 28 20:00:00 2026\r\nSubject: hi\r\n\r\nbody\r\n");
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_EQ(input->from_line_sender, "alice@example.org");
  EXPECT_EQ(input->buffer->bytes(), "Subject: hi\n\nbody\n");
  EXPECT_FALSE(input->spooled);
}

TEST(Input, WithoutFromLineEverythingIsKept) {
  auto input = read("Subject: hi\n\nbody");
  ASSERT_TRUE(input);
  EXPECT_FALSE(input->from_line_sender);
  EXPECT_EQ(input->buffer->bytes(), "Subject: hi\n\nbody");
}

// LMTP's DATA is the message from its first octet (RFC 2033 §4.2): a first
// line "From " is content, not an mbox envelope line.
TEST(Input, WithoutFromLineHandlingAFirstFromLineIsKept) {
  InputLimits limits;
  limits.from_line = false;
  auto input =
      read("From alice@example.org Sat Nov 28 20:00:00 2026\r\nSubject: hi\r\n\r\nb\r\n", limits);
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_FALSE(input->from_line_sender);
  EXPECT_EQ(input->buffer->bytes(),
            "From alice@example.org Sat Nov 28 20:00:00 2026\nSubject: hi\n\nb\n");
}

// Issue 12 item 14: nothing to store is a data error (65), not an empty file.
TEST(Input, EmptyInputIsRefusedAsDataError) {
  auto input = read("");
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().kind, ErrorKind::data);
  EXPECT_NE(input.error().message.find("empty"), std::string::npos);
}

TEST(Input, OnlyTheFromLineIsRefusedAsDataError) {
  for (const char* text : {"From x", "From alice@example.org Sat Nov 28 20:00:00 2026\n",
                           "From alice@example.org Sat Nov 28 20:00:00 2026\r\n"}) {
    auto input = read(text);
    ASSERT_FALSE(input) << text;
    EXPECT_EQ(input.error().kind, ErrorKind::data);
    EXPECT_NE(input.error().message.find("From_"), std::string::npos);
  }
}

TEST(Input, ABlankLineIsStillAMessage) {
  auto input = read("From x\n\n");
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_EQ(input->buffer->bytes(), "\n");
}

TEST(Input, FromLineThenAMessage) {
  auto input = read("From x\nA: b\n");
  ASSERT_TRUE(input);
  EXPECT_EQ(input->from_line_sender, "x");
  EXPECT_EQ(input->buffer->bytes(), "A: b\n");
}

TEST(Input, LargeMessagesAreSpooledAndMapped) {
  std::string body;
  for (int i = 0; i < 50000; ++i) body += "line " + std::to_string(i) + "\r\n";
  auto input = read("Subject: big\r\n\r\n" + body, {100 << 20, 64 << 10});
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_TRUE(input->spooled);
  std::string expected = "Subject: big\n\n";
  for (int i = 0; i < 50000; ++i) expected += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(input->buffer->bytes(), expected);
}

TEST(Input, OverTheLimitIsRejected) {
  auto input = read(std::string(5000, 'x'), {4096, 1024});
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().kind, ErrorKind::rejected);
  EXPECT_EQ(input.error().sys_errno, EFBIG);  // 5.3.4 for the MTA
  EXPECT_NE(input.error().message.find("deliver.max_message_size"), std::string::npos);
}

TEST(Input, ExactlyAtTheLimitIsAccepted) {
  auto input = read(std::string(4096, 'x'), {4096, 1024});
  ASSERT_TRUE(input);
  EXPECT_EQ(input->buffer->bytes().size(), 4096U);
}

TEST(Input, NulBytesSurvive) {
  std::string message("A: b\n\nx\0y\n", 10);
  auto input = read(message);
  ASSERT_TRUE(input);
  EXPECT_EQ(input->buffer->bytes(), message);
}

TEST(Input, UnwritableSpoolDirectoryIsTemporary) {
  int fd = fd_with(std::string(10000, 'x'));
  auto input = read_message(fd, {100 << 20, 100}, "/nonexistent-spool-dir");
  ::close(fd);
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().kind, ErrorKind::temporary);
}

// The message as the caller holds it (mailroom lmtp's worker): the same
// result as from a descriptor, CRLF, size limit and spool file included.
TEST(Input, HeldBytesReadAsFromADescriptor) {
  std::string message = "A: 1\r\nB: 2\r\n\r\n" + std::string(300000, 'x') + "\r\nend\r\n";
  const InputLimits spooling{100 << 20, 100000};
  auto held = read_message(std::string_view(message), spooling, testing::TempDir());
  auto from_fd = read(message, spooling);
  ASSERT_TRUE(held);
  ASSERT_TRUE(from_fd);
  EXPECT_EQ(held->buffer->bytes(), from_fd->buffer->bytes());
  EXPECT_TRUE(held->spooled);
  auto too_large = read_message(std::string_view(message), {4096, 1024}, testing::TempDir());
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().sys_errno, EFBIG);
  EXPECT_FALSE(read_message(std::string_view(), {}, testing::TempDir()));  // empty: 65
}

}  // namespace
}  // namespace mailroom::deliver
