// The score stage: incoming X-Spam-* fields renamed in the stored copy,
// authentication results as the spam rules see them, and the stage with a
// missing store (rules only, never a failure).
#include "deliver/spam_stage.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "message_pieces.hpp"

namespace mailroom::deliver {
namespace {

using test::join;
using test::parse;

TEST(SpamStage, IncomingSpamFieldsRenamedInTheStoredCopy) {
  auto msg = parse(
      "X-Spam-Status: No, score=-5.0\nFrom: a@example.org\nx-spam-flag: NO\n"
      "X-Mailroom-SCL: 0\nX-Spam-Score: 9.1\nX-Spammer: keep\nSubject: s\n\nX-Spam-Flag: body\n");
  // The authentication stage already split the raw message (a renamed
  // Authentication-Results); the pieces are what we get.
  std::string_view raw = msg.raw();
  std::vector<std::string_view> pieces{raw.substr(0, 40), raw.substr(40)};
  std::deque<std::string> names;
  auto out = hide_incoming_spam_fields(msg, pieces, "X-Spam-Score", names);
  EXPECT_EQ(join(out),
            "X-Mailroom-Forged-Spam-Status: No, score=-5.0\nFrom: a@example.org\n"
            "X-Mailroom-Forged-spam-flag: NO\nX-Mailroom-Forged-SCL: 0\n"
            "X-Spam-Score: 9.1\nX-Spammer: keep\nSubject: s\n\nX-Spam-Flag: body\n");
  std::deque<std::string> none;
  EXPECT_EQ(join(hide_incoming_spam_fields(parse("From: a@b.c\n\nx\n"), {{"From: a@b.c\n\nx\n"}},
                                           "", none)),
            "From: a@b.c\n\nx\n");
}

TEST(SpamStage, AuthFactsFromResults) {
  auth::AuthResults results;
  results.spf = auth::SpfResult{};
  results.spf->code = auth::SpfCode::softfail;
  results.spf_identity_value = "bounce@Lists.Example.com";
  results.dkim.resize(2);
  results.dkim[0].status = auth::DkimStatus::fail;
  results.dkim[1].status = auth::DkimStatus::pass;
  results.dkim[1].domain = "Example.org";
  results.dmarc.code = auth::DmarcCode::fail;
  results.dmarc.published = auth::DmarcPolicy::quarantine;
  results.arc.status = auth::ArcChainStatus::pass;
  results.arc.sealers.resize(1);
  results.arc.sealers[0].domain = "lists.example.com";
  auto facts = auth_facts(results, true);
  EXPECT_TRUE(facts.checked);
  EXPECT_EQ(facts.spf, spam::AuthFacts::Spf::softfail);
  EXPECT_EQ(facts.spf_domain, "lists.example.com");
  EXPECT_EQ(facts.dkim_pass, std::vector<std::string>{"example.org"});
  EXPECT_TRUE(facts.dkim_failed);
  EXPECT_EQ(facts.dmarc, spam::AuthFacts::Dmarc::fail);
  EXPECT_EQ(facts.published, spam::AuthFacts::Policy::quarantine);
  EXPECT_EQ(facts.arc, spam::AuthFacts::Arc::pass);
  EXPECT_EQ(facts.arc_sealers, std::vector<std::string>{"lists.example.com"});
}

TEST(SpamStage, MissingStoreScoresRulesOnly) {
  Config config;
  config.spam.store = "/nonexistent/mailroom-spam-store";
  config.spam.user_lists = "";
  MailUser user{"bob", 1000, 1000, "/nonexistent", "/nonexistent/Maildir"};
  auto msg = parse("From: a@example.org\nSubject: s\n\nhello\n");
  auto out = spam_stage(config, user, msg, auth::AuthResults{}, Envelope{});
  ASSERT_TRUE(out.verdict);
  EXPECT_NE(out.log_text.find("rules only: no token store at /nonexistent/mailroom-spam-store"),
            std::string::npos)
      << out.log_text;
  EXPECT_NE(out.fields.find("X-Spam-Status: No"), std::string::npos);
  EXPECT_EQ(out.score_field, "X-Mailroom-Spam-Score: " + std::to_string(out.verdict->scl) + "\n");
  config.spam.block = {"example.org"};
  auto blocked = spam_stage(config, user, msg, auth::AuthResults{}, Envelope{});
  EXPECT_NE(blocked.log_text.find("SCL 9 score=10"), std::string::npos) << blocked.log_text;
  EXPECT_NE(blocked.log_text.find("BLOCK_LISTED=100.0"), std::string::npos);
  config.spam.enabled = false;
  auto off = spam_stage(config, user, msg, auth::AuthResults{}, Envelope{});
  EXPECT_FALSE(off.verdict);
  EXPECT_TRUE(off.fields.empty());
  EXPECT_EQ(off.log_text, "off");
}

}  // namespace
}  // namespace mailroom::deliver
