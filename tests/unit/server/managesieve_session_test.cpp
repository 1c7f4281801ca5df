// The authenticated state over a real script directory: what is stored
// where deliver looks, what is refused and with which response code.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "server/managesieve/login_state.hpp"
#include "server/managesieve/session_state.hpp"

namespace mailroom::server::managesieve {
namespace {

namespace fs = std::filesystem;

class ManageSieveSession : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/managesieve-test-XXXXXX";
    home_ = ::mkdtemp(pattern);
    StoreSetup setup{home_ + "/sieve", home_ + "/.dovecot.sieve", 3, 200, 300};
    auto store = ScriptStore::open(setup);
    ASSERT_TRUE(store) << store.error().message;
    store_.emplace(std::move(*store));
    state_.emplace(*store_, 4);
  }
  void TearDown() override { fs::remove_all(home_); }

  // One command line (literals included) through the reader and the state.
  std::string run(const std::string& input) {
    CommandReader reader(Limits{8192, 200, 8});
    reader.feed(input);
    std::string out;
    while (auto event = reader.next()) {
      bool done = false;
      out += state_->handle(*event, done);
    }
    return out;
  }
  std::string put(const std::string& name, const std::string& script) {
    return run("PUTSCRIPT \"" + name + "\" {" + std::to_string(script.size()) + "+}\r\n" + script +
               "\r\n");
  }
  std::string link_target() const {
    std::error_code ec;
    return fs::read_symlink(home_ + "/.dovecot.sieve", ec).string();
  }

  std::string home_;
  std::optional<ScriptStore> store_;
  std::optional<SessionState> state_;
};

TEST_F(ManageSieveSession, PutListActivateGetDelete) {
  EXPECT_EQ(put("rules", "keep;\r\n"), "OK \"PUTSCRIPT completed.\"\r\n");
  EXPECT_TRUE(fs::is_regular_file(home_ + "/sieve/rules.sieve"));
  EXPECT_EQ((fs::status(home_ + "/sieve").permissions() & fs::perms::all), fs::perms::owner_all);
  EXPECT_EQ(run("LISTSCRIPTS\r\n"), "\"rules\"\r\nOK \"Listscripts completed.\"\r\n");
  EXPECT_EQ(run("SETACTIVE \"rules\"\r\n"), "OK \"Script activated.\"\r\n");
  EXPECT_EQ(link_target(), "sieve/rules.sieve") << "relative, as Dovecot makes it";
  EXPECT_EQ(run("LISTSCRIPTS\r\n"), "\"rules\" ACTIVE\r\nOK \"Listscripts completed.\"\r\n");
  EXPECT_EQ(run("GETSCRIPT \"rules\"\r\n"), "{7}\r\nkeep;\r\n\r\nOK \"Getscript completed.\"\r\n");
  EXPECT_EQ(run("DELETESCRIPT \"rules\"\r\n"),
            "NO (ACTIVE) \"The active script cannot be deleted.\"\r\n");
  EXPECT_EQ(run("SETACTIVE \"\"\r\n"), "OK \"No script is active.\"\r\n");
  EXPECT_FALSE(fs::is_symlink(home_ + "/.dovecot.sieve"));
  EXPECT_EQ(run("DELETESCRIPT \"rules\"\r\n"), "OK \"Script deleted.\"\r\n");
  EXPECT_EQ(run("GETSCRIPT \"rules\"\r\n"),
            "NO (NONEXISTENT) \"There is no script named rules.\"\r\n");
}

TEST_F(ManageSieveSession, BadScriptIsRefusedWithLineAndColumn) {
  auto reply = put("bad", "keep;\r\nfileinto \"x\";\r\n");
  EXPECT_EQ(reply.rfind("NO \"bad:2:1: error: ", 0), 0U) << reply;
  EXPECT_FALSE(fs::exists(home_ + "/sieve/bad.sieve")) << "not stored";
  reply = run("CHECKSCRIPT \"if true {\"\r\n");
  EXPECT_EQ(reply.rfind("NO \"script:1:", 0), 0U) << reply;
  EXPECT_EQ(run("CHECKSCRIPT \"keep;\"\r\n"), "OK \"Script is valid.\"\r\n");
  EXPECT_FALSE(fs::exists(home_ + "/sieve/script.sieve"));
}

TEST_F(ManageSieveSession, NamesThatWouldLeaveTheDirectoryAreRefused) {
  for (const char* name : {"../escape", "a/b", ".hidden", "..", "/etc/x"}) {
    EXPECT_EQ(put(name, "keep;").rfind("NO ", 0), 0U) << name;
    EXPECT_EQ(run(std::string("GETSCRIPT \"") + name + "\"\r\n").rfind("NO ", 0), 0U) << name;
  }
  EXPECT_FALSE(fs::exists(home_ + "/escape.sieve"));
  EXPECT_EQ(run("PUTSCRIPT {3+}\r\na\tb {5+}\r\nkeep;\r\n").rfind("NO \"control character", 0), 0U);
}

TEST_F(ManageSieveSession, RenameKeepsTheActiveScriptActive) {
  ASSERT_EQ(put("one", "keep;"), "OK \"PUTSCRIPT completed.\"\r\n");
  ASSERT_EQ(put("two", "discard;"), "OK \"PUTSCRIPT completed.\"\r\n");
  ASSERT_EQ(run("SETACTIVE \"one\"\r\n"), "OK \"Script activated.\"\r\n");
  EXPECT_EQ(run("RENAMESCRIPT \"one\" \"two\"\r\n"),
            "NO (ALREADYEXISTS) \"A script named two exists.\"\r\n");
  EXPECT_EQ(run("RENAMESCRIPT \"nope\" \"three\"\r\n").rfind("NO (NONEXISTENT)", 0), 0U);
  EXPECT_EQ(run("RENAMESCRIPT \"one\" \"uno\"\r\n"), "OK \"Script renamed.\"\r\n");
  EXPECT_EQ(link_target(), "sieve/uno.sieve");
  EXPECT_FALSE(fs::exists(home_ + "/sieve/one.sieve"));
  EXPECT_EQ(run("LISTSCRIPTS\r\n"),
            "\"two\"\r\n\"uno\" ACTIVE\r\nOK \"Listscripts completed.\"\r\n");
}

TEST_F(ManageSieveSession, Quota) {
  // The fixture allows 3 scripts, 200 octets each, 300 together.
  EXPECT_EQ(run("HAVESPACE \"a\" 200\r\n"), "OK \"Putting the script would succeed.\"\r\n");
  EXPECT_EQ(run("HAVESPACE \"a\" 201\r\n").rfind("NO (QUOTA/MAXSIZE)", 0), 0U);
  EXPECT_EQ(run("HAVESPACE \"a\" 99999999999999999999999\r\n").rfind("NO (QUOTA/MAXSIZE)", 0), 0U);
  EXPECT_EQ(run("HAVESPACE \"a\" \"10\"\r\n").rfind("NO \"Usage", 0), 0U);
  std::string big = "# " + std::string(150, 'x') + "\r\nkeep;\r\n";
  ASSERT_EQ(put("a", big), "OK \"PUTSCRIPT completed.\"\r\n");
  EXPECT_EQ(put("b", big).rfind("NO (QUOTA) ", 0), 0U);
  EXPECT_EQ(put("a", big), "OK \"PUTSCRIPT completed.\"\r\n") << "replacing counts once";
  ASSERT_EQ(put("b", "keep;"), "OK \"PUTSCRIPT completed.\"\r\n");
  ASSERT_EQ(put("c", "keep;"), "OK \"PUTSCRIPT completed.\"\r\n");
  EXPECT_EQ(put("d", "keep;").rfind("NO (QUOTA/MAXSCRIPTS)", 0), 0U);
  EXPECT_EQ(put("e", std::string(201, '#')).rfind("NO (QUOTA/MAXSIZE)", 0), 0U)
      << "a literal over the limit";
}

TEST_F(ManageSieveSession, HandWrittenActiveScriptIsKept) {
  { std::ofstream(home_ + "/.dovecot.sieve") << "discard;\n"; }
  ASSERT_EQ(put("new", "keep;"), "OK \"PUTSCRIPT completed.\"\r\n");
  EXPECT_EQ(run("SETACTIVE \"new\"\r\n"), "OK \"Script activated.\"\r\n");
  EXPECT_EQ(run("GETSCRIPT \"dovecot.orig\"\r\n"),
            "{9}\r\ndiscard;\n\r\nOK \"Getscript completed.\"\r\n");
}

TEST_F(ManageSieveSession, OtherCommands) {
  EXPECT_EQ(run("NOOP \"t1\"\r\n"), "OK (TAG \"t1\") \"Done\"\r\n");
  EXPECT_EQ(run("AUTHENTICATE \"PLAIN\"\r\n"), "NO \"Already authenticated.\"\r\n");
  EXPECT_EQ(run("XYZZY\r\n"), "NO \"Unknown command.\"\r\n");
  EXPECT_EQ(run("GETSCRIPT\r\n"), "NO \"Usage: GETSCRIPT name\"\r\n");
  auto caps = run("CAPABILITY\r\n");
  EXPECT_EQ(caps.find("STARTTLS"), std::string::npos);
  EXPECT_NE(caps.find("OK \"Capability completed.\""), std::string::npos);
  bool done = false;
  Event logout;
  logout.tokens.push_back({Token::Kind::atom, "logout"});
  EXPECT_EQ(state_->handle(logout, done), "OK \"Bye.\"\r\n");
  EXPECT_TRUE(done);
}

// The login state: plaintext only over TLS or from a trusted loopback.
LoginStep login(LoginState& state, const std::string& line) {
  CommandReader reader(Limits{});
  reader.feed(line);
  auto event = reader.next();
  return event ? state.handle(*event) : LoginStep{};
}

TEST(ManageSieveLogin, PlaintextNeedsTls) {
  LoginState remote(LoginPolicy{false, true, false, 4});
  EXPECT_NE(remote.greeting().find("\"SASL\" \"\""), std::string::npos);
  EXPECT_EQ(login(remote, "AUTHENTICATE \"PLAIN\" \"AGEAYg==\"\r\n")
                .reply.rfind("NO (ENCRYPT-NEEDED)", 0),
            0U);
  EXPECT_EQ(login(remote, "LISTSCRIPTS\r\n").reply, "NO \"Authenticate first.\"\r\n");
  auto tls = login(remote, "STARTTLS\r\n");
  EXPECT_EQ(tls.action, LoginStep::Action::start_tls);
  remote.tls_started();
  EXPECT_NE(remote.greeting().find("\"SASL\" \"PLAIN\""), std::string::npos);
  auto step = login(remote, "AUTHENTICATE \"plain\" \"AGEAYg==\"\r\n");  // NUL a NUL b
  EXPECT_EQ(step.action, LoginStep::Action::check_password);
  EXPECT_EQ(step.user, "a");
  EXPECT_EQ(step.password, "b");
}

TEST(ManageSieveLogin, SaslContinuation) {
  LoginState loopback(LoginPolicy{false, false, true, 0});
  EXPECT_EQ(login(loopback, "AUTHENTICATE \"PLAIN\"\r\n").reply, "\"\"\r\n");
  auto step = login(loopback, "{8+}\r\nAGEAYg==\r\n");
  EXPECT_EQ(step.action, LoginStep::Action::check_password);
  EXPECT_EQ(login(loopback, "AUTHENTICATE \"PLAIN\"\r\n").reply, "\"\"\r\n");
  EXPECT_EQ(login(loopback, "\"*\"\r\n").reply, "NO \"Authentication cancelled.\"\r\n");
  EXPECT_EQ(login(loopback, "AUTHENTICATE \"PLAIN\" \"YgBhAGI=\"\r\n").reply,
            "NO \"Authentication failed.\"\r\n")
      << "authzid b for user a";
  EXPECT_EQ(login(loopback, "AUTHENTICATE \"DIGEST-MD5\"\r\n").reply,
            "NO \"Unsupported SASL mechanism.\"\r\n");
  EXPECT_EQ(login(loopback, "STARTTLS\r\n").reply, "NO \"STARTTLS not available.\"\r\n");
}

}  // namespace
}  // namespace mailroom::server::managesieve
