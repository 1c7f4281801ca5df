#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "mailroom/util/config.hpp"
#include "unit/temp_files.hpp"

namespace mailroom {
namespace {

std::string write_temp(const std::string& content) {
  std::string path = mailroom::test::removed_at_exit(
      testing::TempDir() + "/mailroom-config-" +
      testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
  std::ofstream(path) << content;
  return path;
}

TEST(Config, DefaultsWhenTheDefaultFileIsAbsent) {
  auto config = load_config("/nonexistent/mailroom.toml", false, {});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->deliver.max_message_size, 100ULL << 20);
  EXPECT_EQ(config->deliver.deadline, std::chrono::seconds(300));
  EXPECT_EQ(config->users.maildir, "~/Maildir");
  EXPECT_TRUE(config->maildir.fsync);
}

TEST(Config, AnExplicitFileMustExist) {
  auto config = load_config("/nonexistent/mailroom.toml", true, {});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::config);
}

TEST(Config, ReadsEveryKindOfValue) {
  auto path = write_temp(R"([deliver]
max_message_size = "10M"
deadline = "90s"
quota_exceeded = "bounce"
detail_separator = "-"
[users]
virtual_file = "/etc/mailroom/users"
[maildir]
fsync = false
[log]
level = "debug"
)");
  auto config = load_config(path, true, {});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->deliver.max_message_size, 10ULL << 20);
  EXPECT_EQ(config->deliver.deadline, std::chrono::seconds(90));
  EXPECT_FALSE(config->deliver.quota_tempfail);
  EXPECT_EQ(config->deliver.detail_separator, '-');
  EXPECT_EQ(config->users.virtual_file, "/etc/mailroom/users");
  EXPECT_FALSE(config->maildir.fsync);
  EXPECT_EQ(config->log.level, "debug");
  EXPECT_EQ(config->source, path);
}

TEST(Config, ErrorsNameFileLineAndKey) {
  auto path = write_temp("[deliver]\n\ndeadline = \"soon\"\n");
  auto config = load_config(path, true, {});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find(path + ":3"), std::string::npos) << config.error().message;
  EXPECT_NE(config.error().message.find("deliver.deadline"), std::string::npos);
}

TEST(Config, UnknownKeysAreErrors) {
  auto path = write_temp("[deliver]\nmax_mesage_size = 5\n");
  auto config = load_config(path, true, {});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("unknown key 'deliver.max_mesage_size'"),
            std::string::npos);
}

TEST(Config, SyntaxErrorsGiveLineAndColumn) {
  auto path = write_temp("[deliver\n");
  auto config = load_config(path, true, {});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find(path + ":1:"), std::string::npos) << config.error().message;
}

TEST(Config, OverridesApplyAfterTheFile) {
  auto path = write_temp("[deliver]\ndeadline = \"1m\"\n");
  auto config = load_config(
      path, true, {"deliver.deadline=7s", "maildir.fsync=false", "users.maildir=/srv/mail/%u"});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->deliver.deadline, std::chrono::seconds(7));
  EXPECT_FALSE(config->maildir.fsync);
  EXPECT_EQ(config->users.maildir, "/srv/mail/%u");
}

TEST(Config, BadOverridesAreErrors) {
  EXPECT_FALSE(load_config("/nonexistent", false, {"deliver.deadline"}));
  EXPECT_FALSE(load_config("/nonexistent", false, {"nope.key=1"}));
  EXPECT_FALSE(load_config("/nonexistent", false, {"maildir.fsync=maybe"}));
  EXPECT_FALSE(load_config("/nonexistent", false, {"log.target=file"}));
}

TEST(Config, RenderedConfigurationLoadsBackToTheSameValues) {
  auto config = load_config("/nonexistent", false, {"deliver.deadline=2h", "log.ident=mr"});
  ASSERT_TRUE(config);
  auto path = write_temp(render_config(*config));
  auto again = load_config(path, true, {});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->deliver.deadline, std::chrono::hours(2));
  EXPECT_EQ(again->log.ident, "mr");
  EXPECT_EQ(render_config(*again).substr(render_config(*again).find('\n')),
            render_config(*config).substr(render_config(*config).find('\n')));
}

TEST(Config, QuotaDefinitionsAreCheckedWhenLoading) {
  EXPECT_TRUE(load_config("/nonexistent", false, {"maildir.default_quota=1000000S,1000C"}));
  EXPECT_TRUE(load_config("/nonexistent", false, {"maildir.default_quota=1000C"}));
  EXPECT_TRUE(load_config("/nonexistent", false, {"maildir.default_quota="}));
  for (const char* bad : {"10K", "1G", "S", "100S,", "100X", ",100S", "1 0S"})
    EXPECT_FALSE(load_config("/nonexistent", false, {std::string("maildir.default_quota=") + bad}))
        << bad;
}

struct SizeCase {
  const char* text;
  bool valid;
  std::uint64_t bytes;
};

TEST(Units, Sizes) {
  const SizeCase cases[] = {
      {"512", true, 512},       {"64k", true, 64 << 10}, {"100M", true, 100 << 20},
      {"1G", true, 1ULL << 30}, {"", false, 0},          {"M", false, 0},
      {"10MB", false, 0},       {"-1", false, 0},        {"99999999999G", false, 0},
      {"1.5M", false, 0}};
  for (const auto& c : cases) {
    auto size = parse_size(c.text);
    EXPECT_EQ(static_cast<bool>(size), c.valid) << c.text;
    if (size && c.valid) EXPECT_EQ(*size, c.bytes) << c.text;
  }
}

TEST(Units, Durations) {
  EXPECT_EQ(*parse_duration("300"), std::chrono::seconds(300));
  EXPECT_EQ(*parse_duration("5m"), std::chrono::seconds(300));
  EXPECT_EQ(*parse_duration("2h"), std::chrono::seconds(7200));
  EXPECT_EQ(*parse_duration("1d"), std::chrono::seconds(86400));
  EXPECT_FALSE(parse_duration("5 minutes"));
  EXPECT_FALSE(parse_duration("m5"));
}

TEST(Config, EveryKeyIsDocumentedInTheManPage) {
  std::ifstream man(std::string(MAILROOM_TEST_DATA) + "/../../man/mailroom.toml.5");
  ASSERT_TRUE(man) << "man/mailroom.toml.5 is missing";
  std::string text((std::istreambuf_iterator<char>(man)), std::istreambuf_iterator<char>());
  for (const auto& key : config_keys()) {
    auto dot = key.name.find('.');
    std::string section = "[" + std::string(key.name.substr(0, dot)) + "]";
    std::string name(key.name.substr(dot + 1));
    EXPECT_NE(text.find(section), std::string::npos) << section;
    EXPECT_NE(text.find(".B " + name), std::string::npos)
        << key.name << " is not in mailroom.toml(5)";
  }
}

}  // namespace
}  // namespace mailroom
