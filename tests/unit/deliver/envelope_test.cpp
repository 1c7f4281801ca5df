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
                                            {"CLIENT_HELO", "mx.example.org"},
                                            {"CLIENT_HOSTNAME", "mx.example.org"}}));
  EXPECT_EQ(envelope.sender, "alice@example.org");
  EXPECT_EQ(envelope.final_recipient, "bob+lists@example.net");
  EXPECT_EQ(envelope.original_recipient, "Bob@Example.NET");
  EXPECT_EQ(envelope.detail, "lists");
  EXPECT_EQ(envelope.client_address, "192.0.2.1");
  EXPECT_EQ(envelope.client_helo, "mx.example.org");
  EXPECT_EQ(envelope.client_hostname, "mx.example.org");  // Sieve's remote-host
  // Postfix writes "unknown" when the client has no verified name.
  EXPECT_EQ(make_envelope({}, env_of({{"CLIENT_HOSTNAME", "unknown"}})).client_hostname, "");
}

TEST(Envelope, EximNamesWork) {
  auto envelope = make_envelope({}, env_of({{"RETURN_PATH", "<a@example.org>"},
                                            {"RECIPIENT", "b@example.net"},
                                            {"LOCAL_PART_SUFFIX", "+work"}}));
  EXPECT_EQ(envelope.sender, "a@example.org");
  EXPECT_EQ(envelope.detail, "work");
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

// RFC 5233: the detail reaches the envelope from whichever source the MTA
// gives, with deliver.detail_separator.
TEST(Envelope, DetailFromTheRecipientWithTheConfiguredSeparator) {
  Request request;
  request.original_recipient = "bob-lists-work@example.net";
  EXPECT_EQ(make_envelope(request, env_of({}), '-').detail, "lists-work");
  EXPECT_EQ(make_envelope(request, env_of({}), '+').detail, "");
  request.original_recipient = "bob+lists@example.net";
  EXPECT_EQ(make_envelope(request, env_of({})).detail, "lists");
  // Exim's suffix keeps its separator; a suffix of another form is kept whole.
  EXPECT_EQ(make_envelope({}, env_of({{"LOCAL_PART_SUFFIX", "-news"}}), '-').detail, "news");
  EXPECT_EQ(make_envelope({}, env_of({{"LOCAL_PART_SUFFIX", "_news"}}), '-').detail, "_news");
  // An empty EXTENSION (Postfix, no extension) is no detail.
  request.original_recipient = "bob@example.net";
  EXPECT_EQ(make_envelope(request, env_of({{"EXTENSION", ""}})).detail, "");
}

TEST(Envelope, DetailOf) {
  EXPECT_EQ(detail_of("a+b+c@example.net", '+'), "b+c");
  EXPECT_EQ(detail_of("a+@example.net", '+'), "");
  EXPECT_EQ(detail_of("a+b", '+'), "b");
  EXPECT_EQ(detail_of("a@b+c.example", '+'), "");
}

// Sendmail's local mailer passes only -d: the recipient is user@host, so
// Delivered-To (and with it loop detection) still works.
TEST(Envelope, BareUserFlagNamesTheRecipient) {
  Request request;
  request.user = "bob";
  auto envelope = make_envelope(request, env_of({}), '+', "mx.example.net");
  EXPECT_EQ(envelope.final_recipient, "bob@mx.example.net");
  EXPECT_EQ(envelope.original_recipient, "bob@mx.example.net");
  request.user = "bob@example.org";
  EXPECT_EQ(make_envelope(request, env_of({})).final_recipient, "bob@example.org");
  request.final_recipient = "b@example.net";
  EXPECT_EQ(make_envelope(request, env_of({})).final_recipient, "b@example.net");
}

TEST(Envelope, ClientFlagsWinAndEmptyOnesFallBack) {
  Request request;
  request.client_address = "192.0.2.7";
  request.client_helo = "helo.example.org";
  auto env = env_of({{"CLIENT_ADDRESS", "192.0.2.1"}, {"CLIENT_HELO", "env.example.org"}});
  EXPECT_EQ(make_envelope(request, env).client_address, "192.0.2.7");
  EXPECT_EQ(make_envelope(request, env).client_helo, "helo.example.org");
  // pipe(8) expands ${client_address} to "" for locally submitted mail.
  request.client_address = "";
  request.client_helo = "";
  EXPECT_EQ(make_envelope(request, env).client_address, "192.0.2.1");
  EXPECT_EQ(make_envelope(request, env_of({})).client_address, "");
}

}  // namespace
}  // namespace mailroom::deliver
