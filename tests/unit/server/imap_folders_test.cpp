// Mailbox names and LIST patterns (server/imap/folders.hpp): what a client
// may name, and that no name or pattern reaches outside the Maildir.
#include <gtest/gtest.h>

#include "server/imap/folders.hpp"
#include "server/imap/not_authenticated.hpp"

namespace mailroom::server::imap {
namespace {

TEST(ImapFolders, WireNamesMapToMaildirDirectories) {
  struct Case {
    const char* wire;
    const char* directory;
  };
  const Case cases[] = {{"INBOX", ""},
                        {"inbox", ""},
                        {"Junk", ".Junk"},
                        {"Lists.Work", ".Lists.Work"},
                        {"&AMQ-rger", ".&AMQ-rger"},
                        {"INBOX.Sent", ".Sent"}};
  for (const auto& c : cases) {
    auto name = folder_from_wire(c.wire);
    ASSERT_TRUE(name) << c.wire;
    EXPECT_EQ(name->directory(), c.directory) << c.wire;
  }
  EXPECT_EQ(wire_name(*folder_from_wire("Lists.Work")), "Lists.Work");
  EXPECT_EQ(wire_name(*folder_from_wire("inbox")), "INBOX");
}

TEST(ImapFolders, RefusesNamesThatCouldLeaveTheMaildir) {
  for (const char* bad : {"", "..", "../x", ".", "a/b", "/etc", "~root", "a..b", ".hidden", "x.",
                          "a*", "a%", "&Jjo", "INBOX.INBOX", "a\tb", "a\nb"})
    EXPECT_FALSE(folder_from_wire(bad)) << bad;
}

TEST(ImapFolders, ListPatterns) {
  EXPECT_TRUE(pattern_matches("*", "Lists.Work"));
  EXPECT_TRUE(pattern_matches("%", "Junk"));
  EXPECT_FALSE(pattern_matches("%", "Lists.Work"));
  EXPECT_TRUE(pattern_matches("Lists.%", "Lists.Work"));
  EXPECT_TRUE(pattern_matches("inbox", "INBOX"));
  EXPECT_TRUE(pattern_matches("In*", "INBOX"));
  EXPECT_FALSE(pattern_matches("junk", "Junk"));  // only INBOX is case-insensitive
  EXPECT_FALSE(pattern_matches("../*", "Junk"));
  // Many wildcards stay linear: this would take ages with backtracking.
  EXPECT_FALSE(pattern_matches(std::string(200, '*') + "x", std::string(250, 'a')));
}

TEST(ImapLogin, PlaintextRefusedBeforeTlsUnlessLoopback) {
  CommandLimits limits;
  NotAuthenticated strict(LoginPolicy{false, true, false});
  auto step = strict.handle("a LOGIN user pass", limits);
  EXPECT_EQ(step.action, Step::Action::reply);
  EXPECT_TRUE(step.reply.starts_with("a NO [PRIVACYREQUIRED]"));
  EXPECT_NE(strict.greeting().find("LOGINDISABLED"), std::string::npos);
  EXPECT_NE(strict.greeting().find("STARTTLS"), std::string::npos);
  step = strict.handle("b STARTTLS", limits);
  EXPECT_EQ(step.action, Step::Action::start_tls);
  strict.tls_started();
  step = strict.handle("c LOGIN {4}\r\nuser \"p w\"", limits);
  EXPECT_EQ(step.action, Step::Action::check_password);
  EXPECT_EQ(step.tag, "c");
  EXPECT_EQ(step.user, "user");
  EXPECT_EQ(step.password, "p w");
  NotAuthenticated loopback(LoginPolicy{false, false, true});
  step = loopback.handle("d AUTHENTICATE PLAIN AHVzZXIAcHc=", limits);  // "\0user\0pw"
  EXPECT_EQ(step.action, Step::Action::check_password);
  EXPECT_EQ(step.user, "user");
  EXPECT_EQ(step.password, "pw");
  step = loopback.handle("e AUTHENTICATE PLAIN", limits);
  EXPECT_EQ(step.action, Step::Action::auth_continue);
  step = loopback.auth_response("b3RoZXIAdXNlcgBwdw==");  // "other\0user\0pw"
  EXPECT_TRUE(step.reply.starts_with("e NO [AUTHORIZATIONFAILED]"));
  step = loopback.handle("f SELECT INBOX", limits);
  EXPECT_TRUE(step.reply.starts_with("f BAD"));
}

TEST(ImapLogin, ListenerRefusalsBecomeResponseCodes) {
  EXPECT_EQ(refusal("a", Refusal::password),
            "a NO [AUTHENTICATIONFAILED] invalid user name or password\r\n");
  EXPECT_EQ(refusal("a", Refusal::temporary),
            "a NO [UNAVAILABLE] cannot log in now, try again later\r\n");
  EXPECT_TRUE(refusal("a", Refusal::throttled).find("too many") != std::string::npos);
}

}  // namespace
}  // namespace mailroom::server::imap
