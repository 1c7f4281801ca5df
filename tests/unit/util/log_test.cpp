#include "mailroom/util/log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "mailroom/util/file.hpp"

namespace mailroom {
namespace {

TEST(LogEscape, PlainTextIsUnchanged) {
  EXPECT_EQ(log::escape_control_characters("to=<bob@example.net> j\xc3\xb6rg"),
            "to=<bob@example.net> j\xc3\xb6rg");
}

TEST(LogEscape, ControlCharactersAndBackslashAreEscaped) {
  EXPECT_EQ(log::escape_control_characters("a\r\nb\tc"), "a\\r\\nb\\tc");
  EXPECT_EQ(log::escape_control_characters(std::string("n\0l", 3)), "n\\x00l");
  EXPECT_EQ(log::escape_control_characters("\x1b[2J\x7f"), "\\x1b[2J\\x7f");
  // Otherwise "a\\nb" in a value could pass for an escaped line break.
  EXPECT_EQ(log::escape_control_characters("a\\nb"), "a\\\\nb");
}

// enabled() follows log.level and log.target: at() formats nothing for a
// line no sink takes.
TEST(LogEnabled, FollowsLevelAndTarget) {
  LogConfig config;
  config.target = "stderr";
  config.level = "warn";
  log::init(config);
  EXPECT_FALSE(log::enabled(log::Level::info));
  EXPECT_TRUE(log::enabled(log::Level::warn));
  config.target = "none";
  log::init(config);
  EXPECT_FALSE(log::enabled(log::Level::error));
  config.target = "stderr";
  config.level = "info";
  log::init(config);
  EXPECT_TRUE(log::enabled(log::Level::info));
  EXPECT_FALSE(log::enabled(log::Level::debug));
}

// The line a logger writes is one line, whatever the message holds.
TEST(LogEscape, EveryLineWrittenIsEscaped) {
  std::string path = testing::TempDir() + "/mailroom-log-test";
  int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(file, 0);
  std::fflush(stderr);
  int saved = ::dup(STDERR_FILENO);
  ASSERT_EQ(::dup2(file, STDERR_FILENO), STDERR_FILENO);
  LogConfig config;
  config.target = "stderr";
  log::init(config);
  log::info("from=<{}> done", "a@b\r\nX-Forged: yes");
  log::flush();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(file);
  auto text = read_whole_file(path, 1 << 20, ErrorKind::temporary);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("from=<a@b\\r\\nX-Forged: yes> done\n"), std::string::npos) << *text;
  EXPECT_EQ(text->find('\r'), std::string::npos);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace mailroom
