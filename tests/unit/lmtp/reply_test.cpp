// deliver's exit codes as LMTP replies (mailroom-lmtp(8), "REPLIES").
#include <gtest/gtest.h>

#include "lmtp/delivery.hpp"

namespace mailroom::lmtp {
namespace {

TEST(LmtpReply, MirrorsDeliverExitCodes) {
  struct Case {
    int exit_code;
    const char* status;
    int code;
    const char* expected_status;
  };
  const Case cases[] = {
      {0, "", 250, "2.0.0"},       {67, "5.1.1", 550, "5.1.1"}, {67, "", 550, "5.1.1"},
      {77, "5.2.2", 552, "5.2.2"}, {77, "5.3.4", 552, "5.3.4"}, {77, "5.4.6", 554, "5.4.6"},
      {77, "5.7.1", 550, "5.7.1"}, {77, "", 550, "5.7.1"},      {65, "5.6.0", 554, "5.6.0"},
      {75, "4.2.2", 450, "4.2.2"}, {75, "4.3.1", 451, "4.3.1"}, {75, "4.4.7", 451, "4.4.7"},
      {75, "", 451, "4.3.0"},      {64, "5.5.4", 451, "4.3.0"}, {1, "", 451, "4.3.0"},
  };
  for (const auto& c : cases) {
    auto reply = reply_for(c.exit_code, c.status, "why");
    EXPECT_EQ(reply.code, c.code) << c.exit_code << " " << c.status;
    EXPECT_EQ(reply.status, c.expected_status) << c.exit_code << " " << c.status;
  }
}

TEST(LmtpReply, NamesTheUserOfAnAddress) {
  Config config;
  EXPECT_EQ(user_for("bob+lists@example.net", config), "bob");
  EXPECT_EQ(user_for("bob", config), "bob");
  config.lmtp.user_name = "address";
  EXPECT_EQ(user_for("bob+lists@example.net", config), "bob+lists@example.net");
}

}  // namespace
}  // namespace mailroom::lmtp
