#include "deliver/envelope.hpp"

#include <gtest/gtest.h>

#include <map>

namespace mailroom::deliver {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Envelope, FlagsWinOverTheEnvironment) {
  Request request;
  request.sender = "flag@example.org";
  request.final_recipient = "bob@example.net";
  auto envelope = make_envelope(
      request, env_of({{"SENDER", "env@example.org"}, {"RECIPIENT", "other@example.net"}}));
  EXPECT_EQ(envelope.sender, "flag@example.org");
  EXPECT_EQ(envelope.final_recipient, "bob@example.net");
  EXPECT_EQ(envelope.original_recipient, "bob@example.net");
}

TEST(Envelope, PostfixEnvironmentFillsTheGaps) {
  auto envelope = make_envelope({}, env_of({{"SENDER", "alice@example.org"},
                                            {"RECIPIENT", "bob+lists@example.net"},
                                            {"ORIGINAL_RECIPIENT", "Bob@Example.NET"},
                                            {"EXTENSION", "lists"},
                                            {"CLIENT_ADDRESS", "192.0.2.1"},
                                            {"CLIENT_HELO", "mx.example.org"}}));
  EXPECT_EQ(envelope.sender, "alice@example.org");
  EXPECT_EQ(envelope.final_recipient, "bob+lists@example.net");
  EXPECT_EQ(envelope.original_recipient, "Bob@Example.NET");
  EXPECT_EQ(envelope.extension, "lists");
  EXPECT_EQ(envelope.client_address, "192.0.2.1");
  EXPECT_EQ(envelope.client_helo, "mx.example.org");
}

TEST(Envelope, EximNamesWork) {
  auto envelope = make_envelope({}, env_of({{"RETURN_PATH", "<a@example.org>"},
                                            {"RECIPIENT", "b@example.net"},
                                            {"LOCAL_PART_SUFFIX", "+work"}}));
  EXPECT_EQ(envelope.sender, "a@example.org");
  EXPECT_EQ(envelope.extension, "work");
}

TEST(Envelope, NoSenderAnywhereStaysUnknown) {
  auto envelope = make_envelope({}, env_of({}));
  EXPECT_FALSE(envelope.sender.has_value());
  EXPECT_EQ(envelope.final_recipient, "");
}

TEST(Envelope, NullSenderSpellings) {
  EXPECT_EQ(normalize_sender("<>"), "");
  EXPECT_EQ(normalize_sender("MAILER-DAEMON"), "");
  EXPECT_EQ(normalize_sender(" <a@b> "), "a@b");
}

TEST(Envelope, EmptyFolderFlagIsIgnored) {
  Request request;
  request.folder = "";
  EXPECT_EQ(make_envelope(request, env_of({})).folder, "");
  request.folder = "Lists/Work";
  EXPECT_EQ(make_envelope(request, env_of({})).folder, "Lists/Work");
}

}  // namespace
}  // namespace mailroom::deliver
