// The Sieve stage: scripts' actions -> targets (each branch of the
// fallback chain: the filter's folder, -m / the default folder, INBOX),
// multiscript order, where scripts come from, the trusted spam score.
#include "deliver/sieve_stage.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "mailroom/sieve/compile.hpp"

namespace mailroom::deliver {
namespace {

using sieve::Action;
using sieve::ActionKind;

const KeepFolder kDefault{"INBOX", "default folder"};
const KeepFolder kDashM{"Work", "-m Work"};

Action implicit_keep() { return Action{.kind = ActionKind::keep, .implicit = true}; }

ScriptRun run_of(std::string path, std::vector<Action> actions) {
  ScriptRun run{std::move(path), {}};
  run.outcome.actions = std::move(actions);
  return run;
}

message::Message parse(std::string text) {
  return message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text))));
}

TEST(SieveDecide, FileintoIsTheFiltersFolderWithFileAndLine) {
  auto decision = decide(
      {run_of("u.sieve",
              {Action{.kind = ActionKind::fileinto, .target = "Lists", .position = {3, 5}}})},
      kDefault);
  ASSERT_EQ(decision.targets.size(), 1U);
  EXPECT_EQ(decision.targets[0].folder, "Lists");
  EXPECT_EQ(decision.targets[0].why, "fileinto at u.sieve:3");
}

// vacation and notify are sent after the delivery; the duplicate ids of a
// run that failed are not recorded (RFC 7352 §3.1: it delivered nothing).
TEST(SieveDecide, SendsAndDuplicatesAreCarried) {
  ScriptRun before = run_of(
      "before.sieve",
      {Action{.kind = ActionKind::notify, .target = "mailto:p@example.com", .position = {2, 1}},
       implicit_keep()});
  before.outcome.duplicates = {{"duplicate\x1f\x1fid1", 60, false}};
  ScriptRun user = run_of(
      "u.sieve", {Action{.kind = ActionKind::vacation, .position = {5, 1}}, implicit_keep()});
  user.outcome.duplicates = {{"duplicate\x1fh\x1fid2", 60, true}};
  auto decision = decide({before, user}, kDefault);
  ASSERT_EQ(decision.sends.size(), 2U);
  EXPECT_EQ(decision.sends[0].why, "notify at before.sieve:2");
  EXPECT_EQ(decision.sends[1].why, "vacation at u.sieve:5");
  ASSERT_EQ(decision.duplicates.size(), 2U);
  EXPECT_TRUE(decision.duplicates[1].last);
  EXPECT_EQ(decision.targets.size(), 1U);  // the implicit keep of the last script only

  ScriptRun broken = user;
  broken.outcome.error = sieve::Diagnostic{sieve::DiagnosticKind::runtime, "limit", {9, 1}};
  decision = decide({broken}, kDefault);
  EXPECT_TRUE(decision.duplicates.empty());
  EXPECT_TRUE(decision.sends.empty());
}

TEST(SieveDecide, ImplicitKeepGoesToDashM) {
  auto decision = decide({run_of("u.sieve", {implicit_keep()})}, kDashM);
  ASSERT_EQ(decision.targets.size(), 1U);
  EXPECT_EQ(decision.targets[0].folder, "Work");
  EXPECT_NE(decision.targets[0].why.find("-m Work"), std::string::npos);
}

TEST(SieveDecide, ExplicitKeepGoesToTheDefaultFolder) {
  KeepFolder archive{"Archive", "default folder"};
  auto decision =
      decide({run_of("u.sieve", {Action{.kind = ActionKind::keep, .position = {2, 1}}})}, archive);
  ASSERT_EQ(decision.targets.size(), 1U);
  EXPECT_EQ(decision.targets[0].folder, "Archive");
  EXPECT_EQ(decision.targets[0].why, "keep at u.sieve:2");
}

TEST(SieveDecide, AnErrorKeepsInInboxNotInDashM) {
  ScriptRun broken = run_of("u.sieve", {implicit_keep()});
  broken.outcome.error = sieve::Diagnostic{sieve::DiagnosticKind::syntax, "expected ;", {4, 2}};
  auto decision = decide({broken}, kDashM);
  ASSERT_EQ(decision.targets.size(), 1U);
  EXPECT_EQ(decision.targets[0].folder, "INBOX");
  ASSERT_EQ(decision.errors.size(), 1U);
  EXPECT_EQ(decision.errors[0], "u.sieve:4:2: syntax: expected ;");
}

TEST(SieveDecide, ImplicitKeepFlowsOnOnlyFromTheLastScript) {
  auto decision = decide(
      {run_of("before.sieve", {implicit_keep()}),
       run_of(
           "u.sieve",
           {Action{.kind = ActionKind::fileinto, .target = "A", .copy = true, .position = {2, 1}},
            implicit_keep()}),
       run_of("after.sieve", {implicit_keep()})},
      kDefault);
  ASSERT_EQ(decision.targets.size(), 2U);
  EXPECT_EQ(decision.targets[0].folder, "A");
  EXPECT_EQ(decision.targets[1].folder, "INBOX");
  EXPECT_NE(decision.targets[1].why.find("after.sieve"), std::string::npos);
}

TEST(SieveDecide, DiscardAloneDiscardsAndRedirectIsCarried) {
  auto discarded = decide(
      {run_of("u.sieve", {Action{.kind = ActionKind::discard, .position = {1, 1}}})}, kDefault);
  EXPECT_TRUE(discarded.discarded);
  EXPECT_TRUE(discarded.targets.empty());
  auto redirected = decide(
      {run_of(
          "u.sieve",
          {Action{.kind = ActionKind::redirect, .target = "x@example.org", .position = {7, 1}}})},
      kDefault);
  ASSERT_EQ(redirected.redirects.size(), 1U);
  EXPECT_EQ(redirected.redirects[0].address, "x@example.org");
  EXPECT_EQ(redirected.redirects[0].why, "redirect at u.sieve:7");
  EXPECT_FALSE(redirected.discarded);
}

TEST(SieveDecide, RejectCarriesTheReason) {
  auto decision = decide(
      {run_of("u.sieve",
              {Action{.kind = ActionKind::reject, .reason = "no thanks", .position = {2, 1}}})},
      kDefault);
  ASSERT_TRUE(decision.reject);
  EXPECT_EQ(*decision.reject, "no thanks");
  EXPECT_EQ(decision.reject_why, "reject at u.sieve:2");
}

TEST(SieveDecide, FlagsBecomeMaildirLettersAndKeywords) {
  auto decision =
      decide({run_of("u.sieve",
                     {Action{.kind = ActionKind::fileinto,
                             .target = "A",
                             .flags = {"\\Seen", "\\flagged", "$Junk", "\\Recent", "\\Seen"}}})},
             kDefault);
  ASSERT_EQ(decision.targets.size(), 1U);
  EXPECT_EQ(decision.targets[0].flags, "SF");
  EXPECT_EQ(decision.targets[0].keywords, std::vector<std::string>{"$Junk"});
}

// --- where scripts come from (as this test's uid: not root-checked)

class SieveScripts : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/sieve-stage-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    user_.name = "bob";
    user_.home = dir_ + "/home";
    ::mkdir(user_.home.c_str(), 0700);
  }
  void TearDown() override { (void)std::system(("rm -rf '" + dir_ + "'").c_str()); }
  void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  std::string dir_;
  MailUser user_;
};

TEST_F(SieveScripts, BeforeUserAfterInOrderDirectoriesSorted) {
  ::mkdir((dir_ + "/before.d").c_str(), 0755);
  write(dir_ + "/before.d/20-b.sieve", "keep;");
  write(dir_ + "/before.d/10-a.sieve", "keep;");
  write(dir_ + "/before.d/notes.txt", "x");
  write(user_.home + "/.dovecot.sieve", "keep;");
  write(dir_ + "/after.sieve", "keep;");
  SieveConfig config;
  config.before = {dir_ + "/before.d"};
  config.after = {dir_ + "/after.sieve"};
  auto scripts = find_scripts(config, user_, false);
  ASSERT_TRUE(scripts) << scripts.error().message;
  ASSERT_EQ(scripts->size(), 4U);
  EXPECT_EQ((*scripts)[0].path, dir_ + "/before.d/10-a.sieve");
  EXPECT_EQ((*scripts)[1].path, dir_ + "/before.d/20-b.sieve");
  EXPECT_NE((*scripts)[2].path.find(".dovecot.sieve"), std::string::npos);
  EXPECT_EQ((*scripts)[3].path, dir_ + "/after.sieve");
}

TEST_F(SieveScripts, NoUserScriptNoGlobalsIsNoScripts) {
  auto scripts = find_scripts(SieveConfig{}, user_, false);
  ASSERT_TRUE(scripts);
  EXPECT_TRUE(scripts->empty());
}

TEST_F(SieveScripts, AMissingGlobalScriptFailsTheDelivery) {
  SieveConfig config;
  config.after = {dir_ + "/nowhere.sieve"};
  auto scripts = find_scripts(config, user_, false);
  ASSERT_FALSE(scripts);
  EXPECT_EQ(scripts.error().kind, ErrorKind::config);
}

TEST_F(SieveScripts, AnUntrustedGlobalScriptAsRootFailsTheDelivery) {
  // TempDir is /tmp: world-writable, so never trusted for root.
  write(dir_ + "/g.sieve", "keep;");
  SieveConfig config;
  config.before = {dir_ + "/g.sieve"};
  auto scripts = find_scripts(config, user_, true);
  ASSERT_FALSE(scripts);
  EXPECT_EQ(scripts.error().kind, ErrorKind::config);
}

TEST_F(SieveScripts, UserSymlinkWithinHomeIsFollowedOutOfHomeRefused) {
  ::mkdir((user_.home + "/sieve").c_str(), 0700);
  write(user_.home + "/sieve/mine.sieve", "keep;");
  ASSERT_EQ(::symlink("sieve/mine.sieve", (user_.home + "/.dovecot.sieve").c_str()), 0);
  auto inside = find_scripts(SieveConfig{}, user_, false);
  ASSERT_TRUE(inside && inside->size() == 1);
  EXPECT_TRUE((*inside)[0].refused.empty());
  EXPECT_NE((*inside)[0].path.find("/sieve/mine.sieve"), std::string::npos);

  write(dir_ + "/elsewhere.sieve", "keep;");
  ::unlink((user_.home + "/.dovecot.sieve").c_str());
  ASSERT_EQ(
      ::symlink((dir_ + "/elsewhere.sieve").c_str(), (user_.home + "/.dovecot.sieve").c_str()), 0);
  auto outside = find_scripts(SieveConfig{}, user_, false);
  ASSERT_TRUE(outside && outside->size() == 1);
  EXPECT_FALSE((*outside)[0].refused.empty());
}

TEST_F(SieveScripts, MultiscriptStopsAtAnExplicitActionAndAtAnError) {
  write(dir_ + "/a.sieve", "stop;");  // stop ends only its script: the keep flows on
  write(dir_ + "/b.sieve", "require \"fileinto\"; fileinto \"B\";");
  write(dir_ + "/c.sieve", "keep;");
  auto message = parse("Subject: x\n\nbody\n");
  auto runs =
      run_scripts({{dir_ + "/a.sieve"}, {dir_ + "/b.sieve"}, {dir_ + "/c.sieve"}}, message, {}, {});
  ASSERT_EQ(runs.size(), 2U);  // b's fileinto cancelled the implicit keep: c does not run
  auto decision = decide(runs, kDefault);
  ASSERT_EQ(decision.targets.size(), 1U);
  EXPECT_EQ(decision.targets[0].folder, "B");

  write(dir_ + "/broken.sieve", "if true {");
  runs = run_scripts({{dir_ + "/broken.sieve"}, {dir_ + "/c.sieve"}}, message, {}, {});
  ASSERT_EQ(runs.size(), 1U);
  ASSERT_TRUE(runs[0].outcome.error);
  decision = decide(runs, kDashM);
  ASSERT_EQ(decision.targets.size(), 1U);
  EXPECT_EQ(decision.targets[0].folder, "INBOX");
}

TEST_F(SieveScripts, ErrorsGoToTheUsersLogWhichStaysBounded) {
  SieveConfig config;
  config.log_max_size = 100;
  log_script_errors(config, user_, {std::string(80, 'x')});
  log_script_errors(config, user_, {"second"});
  std::ifstream now(user_.home + "/.mailroom/sieve.log");
  std::string text((std::istreambuf_iterator<char>(now)), {});
  EXPECT_NE(text.find("second"), std::string::npos);
  EXPECT_EQ(text.find("xxxx"), std::string::npos);  // moved to sieve.log.old
  std::ifstream old(user_.home + "/.mailroom/sieve.log.old");
  EXPECT_TRUE(old.good());
}

// --- the spam score scripts may trust

TEST(SieveSpamScore, OnlyTheConfiguredHeaderCounts) {
  auto message = parse("X-Spam-Score: 7.4\nX-Spam-Level: ***\n\nbody\n");
  EXPECT_EQ(spam_score_field(message, ""), "");
  EXPECT_EQ(spam_score_field(message, "X-Spam-Score"), "X-Mailroom-Spam-Score: 7\n");
  EXPECT_EQ(spam_score_field(message, "X-Spam-Level"), "X-Mailroom-Spam-Score: 3\n");
  EXPECT_EQ(spam_score_field(parse("X-Spam-Score: -2.1\n\n"), "X-Spam-Score"),
            "X-Mailroom-Spam-Score: 0\n");
}

TEST(SieveSpamScore, TheTrustedScoreIsTheSpamtestVerdict) {
  auto message = parse("X-Spam-Score: 5.0\nX-Spam-Level: ****\nX-Junk: lots\n\nbody\n");
  EXPECT_FALSE(trusted_spam_score(message, ""));
  EXPECT_FALSE(trusted_spam_score(message, "X-Junk"));
  EXPECT_FALSE(trusted_spam_score(message, "X-Missing"));
  EXPECT_EQ(trusted_spam_score(message, "X-Spam-Level"), 4.0);
  SieveConfig config;
  MailUser user;
  user.name = "bob";
  user.home = "/home/bob";
  Envelope envelope;
  envelope.client_address = "192.0.2.7";
  envelope.client_hostname = "mx.example.org";
  sieve::RunOptions options;
  set_sieve_context(config, user, envelope, options);
  EXPECT_TRUE(options.lists_dir.empty());
  EXPECT_EQ(options.environment.remote_ip, "192.0.2.7");
  EXPECT_EQ(options.environment.remote_host, "mx.example.org");
  EXPECT_FALSE(options.environment.host.empty());
  config.trusted_spam_header = "X-Spam-Score";
  config.lists_dir = "~/lists";
  set_sieve_context(config, user, envelope, options);
  EXPECT_EQ(trusted_spam_score(message, config.trusted_spam_header), 5.0);
  EXPECT_EQ(options.lists_dir, "/home/bob/lists");
}

TEST(SieveSpamScore, AnIncomingScoreFieldIsRenamed) {
  std::string ours = "X-Mailroom-Spam-Score: 1\n";
  std::string text = ours + "x-mailroom-spam-score: 9\nSubject: s\n\nX-Mailroom-Spam-Score: 9\n";
  hide_forged_spam_score(text, ours.size());
  auto message = parse(text);
  auto fields = message.find_all("X-Mailroom-Spam-Score");
  ASSERT_EQ(fields.size(), 1U);
  EXPECT_EQ(message::unfold(fields[0]->value), "1");
  EXPECT_EQ(message.find_all("X-Mailroom-Forged-Spam-Score").size(), 1U);
  EXPECT_NE(text.find("\n\nX-Mailroom-Spam-Score: 9"), std::string::npos);  // body untouched
}

}  // namespace
}  // namespace mailroom::deliver

namespace mailroom::deliver {
namespace {

// The last branch of the fallback chain (Store::save, Dovecot's
// mail_deliver): a folder the script named that cannot be used -> INBOX.
TEST_F(SieveScripts, AFolderThatCannotBeUsedFallsBackToInbox) {
  Config config;
  config.maildir.fsync = false;
  auto store = Store::open(dir_ + "/Maildir", config);
  ASSERT_TRUE(store) << store.error().message;
  std::string text = "Subject: x\n\nbody\n";
  std::vector<std::string_view> pieces{text};
  auto report = store->save({{"../outside", "S", "fileinto at u.sieve:2"}}, pieces);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->folders.size(), 1U);
  EXPECT_EQ(report->folders[0], "INBOX");
  EXPECT_NE(report->why[0].find("fell back to INBOX"), std::string::npos);
  EXPECT_NE(report->files[0].find(":2,S"), std::string::npos);  // the flags go with it
}

// fileinto :create makes the folder although maildir.create is off;
// without it the folder is missing and the copy falls back to INBOX.
TEST_F(SieveScripts, CreateMakesTheFolderWhenMaildirCreateIsOff) {
  Config config;
  config.maildir.fsync = false;
  ASSERT_TRUE(Store::open(dir_ + "/Maildir", config));  // the root, created
  config.maildir.create = false;
  auto store = Store::open(dir_ + "/Maildir", config);
  ASSERT_TRUE(store) << store.error().message;
  std::string text = "Subject: x\n\nbody\n";
  std::vector<std::string_view> pieces{text};
  auto plain = store->save({{"Plain", "", "fileinto at u.sieve:2"}}, pieces);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->folders[0], "INBOX");
  Target created{"Made", "", "fileinto at u.sieve:3"};
  created.create = true;
  auto made = store->save({created}, pieces);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->folders[0], "Made");
  struct stat st {};
  EXPECT_EQ(::stat((dir_ + "/Maildir/.Made/new").c_str(), &st), 0);
}

TEST(SieveDecide, FileintoCreateReachesTheTarget) {
  auto decision = decide(
      {run_of("u.sieve", {Action{.kind = ActionKind::fileinto, .target = "N", .create = true}})},
      kDefault);
  ASSERT_EQ(decision.targets.size(), 1U);
  EXPECT_TRUE(decision.targets[0].create);
}

}  // namespace
}  // namespace mailroom::deliver
