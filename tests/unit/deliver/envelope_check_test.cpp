#include "deliver/envelope_check.hpp"

#include <gtest/gtest.h>

#include <string>

#include "mailroom/deliver/exit_code.hpp"

namespace mailroom::deliver {
namespace {

Envelope clean() {
  Envelope envelope;
  envelope.sender = "alice@example.org";
  envelope.original_recipient = "bob+lists@example.net";
  envelope.final_recipient = "bob@example.net";
  return envelope;
}

TEST(EnvelopeCheck, OrdinaryAndNullSendersPass) {
  EXPECT_TRUE(check_envelope(clean()));
  Envelope null_sender = clean();
  null_sender.sender = "";
  EXPECT_TRUE(check_envelope(null_sender));
  Envelope no_sender = clean();
  no_sender.sender.reset();
  EXPECT_TRUE(check_envelope(no_sender));
  Envelope utf8 = clean();
  utf8.final_recipient = "j\xc3\xb6rg@example.net";  // RFC 6531: UTF-8 is an address
  EXPECT_TRUE(check_envelope(utf8));
}

// The header injection of issue 12: a CR/LF would start a new field above ours.
TEST(EnvelopeCheck, ControlCharactersInAnyAddressAreAUsageError) {
  const std::string controls[] = {"\r\nAuthentication-Results: x; dkim=pass",
                                  "\n",
                                  "\r",
                                  std::string(1, '\0'),
                                  "\t",
                                  "\x1b[2J",
                                  "\x7f"};
  for (const auto& bad : controls) {
    for (int field = 0; field < 3; ++field) {
      Envelope envelope = clean();
      std::string address = "a" + bad + "@example.org";
      if (field == 0) envelope.sender = address;
      if (field == 1) envelope.original_recipient = address;
      if (field == 2) envelope.final_recipient = address;
      auto checked = check_envelope(envelope);
      ASSERT_FALSE(checked) << field;
      EXPECT_EQ(exit_code_for(checked.error().kind), kExitUsage);
      EXPECT_NE(checked.error().message.find("control character"), std::string::npos);
      // The message names where the value came from, never the value itself.
      EXPECT_EQ(checked.error().message.find(bad), std::string::npos);
    }
  }
}

TEST(EnvelopeCheck, MessageNamesTheFlagAndTheByte) {
  Envelope envelope = clean();
  envelope.sender = "ab\ncd";
  auto checked = check_envelope(envelope);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("-f"), std::string::npos);
  EXPECT_NE(checked.error().message.find("LF at byte 2"), std::string::npos);
}

}  // namespace
}  // namespace mailroom::deliver
