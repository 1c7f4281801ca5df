// The verdict (issue 14): SCL mapping, lists, forwarded mail, the
// classifier's band, and the header fields.
#include <gtest/gtest.h>

#include <algorithm>

#include "mailroom/spam/verdict.hpp"
#include "message_builder.hpp"

namespace mailroom::spam {
namespace {

using test::parse;
using Facts = AuthFacts;

constexpr std::int64_t kNow = 1767607200;  // 2026-01-05 10:00:00 UTC

const std::string kClean =
    "From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: Lunch\n"
    "Date: Mon, 05 Jan 2026 09:58:00 +0000\nMessage-ID: <1@example.org>\n\nHello Bob.\n";

bool fired(const SpamVerdict& v, std::string_view name, double* weight = nullptr) {
  for (const Hit& hit : v.hits)
    if (hit.name == name) {
      if (weight != nullptr) *weight = hit.weight;
      return true;
    }
  return false;
}

SpamVerdict score(const message::Message& m, Facts facts = {}, std::vector<SenderLists> lists = {},
                  std::vector<std::string> sealers = {}) {
  ScoreInput in{m, std::move(facts)};
  in.now = kNow;
  in.lists = std::move(lists);
  in.trusted_arc_sealers = std::move(sealers);
  return score_message(in);
}

TEST(SpamVerdict, SclMapping) {
  EXPECT_EQ(scl_for(-3.0, 5.0), 0);
  EXPECT_EQ(scl_for(1.99, 5.0), 1);
  EXPECT_EQ(scl_for(4.999, 5.0), 4);
  EXPECT_EQ(scl_for(5.0, 5.0), 5);
  EXPECT_EQ(scl_for(7.2, 5.0), 7);
  EXPECT_EQ(scl_for(120.0, 5.0), 9);
  EXPECT_EQ(scl_for(8.0, 8.0), 5);  // required 8: SCL 5 at 8.0
  EXPECT_EQ(scl_for(7.99, 8.0), 4);
}

TEST(SpamVerdict, RulesSumToTheScoreAndSclFiveIsFivePointZero) {
  // DMARC p=reject (4.0) + SPF fail (1.0) = 5.0 exactly: SCL 5.
  Facts f;
  f.checked = true;
  f.spf = Facts::Spf::fail;
  f.dmarc = Facts::Dmarc::fail;
  f.published = Facts::Policy::reject;
  auto msg = parse(kClean);
  auto v = score(msg, f);
  EXPECT_TRUE(fired(v, "DMARC_REJECT"));
  EXPECT_TRUE(fired(v, "SPF_FAIL"));
  EXPECT_TRUE(fired(v, "FROM_UNAUTHENTICATED"));  // 0.3 more
  EXPECT_DOUBLE_EQ(v.score, 5.3);
  EXPECT_EQ(v.scl, 5);
  EXPECT_NE(v.note.find("rules only"), std::string::npos);
  auto clean = score(msg);
  EXPECT_EQ(clean.score, 0.0);
  EXPECT_EQ(clean.scl, 0);
  EXPECT_TRUE(clean.hits.empty());
}

// Without spam.rules the weights and reasons are the built-in table's
// (read in place, not from a copy); with it, the file's.
TEST(SpamVerdict, WeightsAndReasonsFromTheBuiltInTableOrTheUsersOwn) {
  Facts f;
  f.checked = true;
  f.spf = Facts::Spf::fail;
  auto msg = parse(kClean);
  const SpamVerdict built_in = score(msg, f);
  ASSERT_FALSE(built_in.hits.empty());
  for (const Hit& hit : built_in.hits) {
    const RuleEntry* entry = RuleTable::built_in().find(hit.name);
    ASSERT_NE(entry, nullptr) << hit.name;
    EXPECT_EQ(hit.weight, entry->weight) << hit.name;
    EXPECT_EQ(hit.reason, entry->reason) << hit.name;
  }
  auto table = RuleTable::built_in().with_overrides("[SPF_FAIL]\nweight = 2.5\nreason = \"ours\"\n",
                                                    "t.toml");
  ASSERT_TRUE(table) << table.error().message;
  ScoreInput in{msg, f};
  in.now = kNow;
  in.table = &*table;
  const SpamVerdict own = score_message(in);
  double weight = 0;
  ASSERT_TRUE(fired(own, "SPF_FAIL", &weight));
  EXPECT_EQ(weight, 2.5);
  const auto spf = std::find_if(own.hits.begin(), own.hits.end(),
                                [](const Hit& h) { return h.name == "SPF_FAIL"; });
  EXPECT_EQ(spf->reason, "ours");
}

TEST(SpamVerdict, ForwardedMailAlignedDkimSuppressesSpf) {
  // A forwarder: SPF fails for the original sender's domain, the author's
  // DKIM signature survives.
  Facts f;
  f.checked = true;
  f.spf = Facts::Spf::fail;
  f.spf_domain = "example.org";
  f.dkim_pass = {"example.org"};
  f.dmarc = Facts::Dmarc::pass;
  f.published = Facts::Policy::reject;
  auto msg = parse(kClean);
  auto v = score(msg, f);
  double weight = -1;
  ASSERT_TRUE(fired(v, "SPF_FAIL", &weight));
  EXPECT_EQ(weight, 0.0);
  EXPECT_EQ(v.score, 0.0);
  // Without the aligned signature it counts.
  f.dkim_pass = {"forwarder.example"};
  f.dmarc = Facts::Dmarc::fail;
  auto unaligned = score(msg, f);
  ASSERT_TRUE(fired(unaligned, "SPF_FAIL", &weight));
  EXPECT_EQ(weight, 1.0);
  EXPECT_GE(unaligned.scl, 5);
}

TEST(SpamVerdict, MailingListWithTrustedArcSuppressesAuthFailures) {
  // A list rewrote the Subject and added a footer: DKIM broke, SPF is the
  // list's, DMARC fails with p=reject; the list sealed what it saw.
  auto msg = parse(
      "From: Alice <alice@example.org>\nTo: list@lists.example.com\n"
      "Subject: [list] Lunch\nDate: Mon, 05 Jan 2026 09:58:00 +0000\n"
      "Message-ID: <1@example.org>\nList-Id: <list.lists.example.com>\n\nHello.\n--\nfooter\n");
  Facts f;
  f.checked = true;
  f.spf = Facts::Spf::fail;
  f.spf_domain = "example.org";
  f.dkim_failed = true;
  f.dmarc = Facts::Dmarc::fail;
  f.published = Facts::Policy::reject;
  f.arc = Facts::Arc::pass;
  f.arc_sealers = {"lists.example.com"};
  auto trusted = score(msg, f, {}, {"lists.example.com"});
  EXPECT_TRUE(fired(trusted, "DMARC_REJECT"));
  EXPECT_EQ(trusted.score, 0.0);
  EXPECT_EQ(trusted.scl, 0);
  auto untrusted = score(msg, f, {}, {"other.example"});
  EXPECT_GE(untrusted.scl, 5);
}

TEST(SpamVerdict, BlockListWinsAllowListNeedsAuthentication) {
  auto msg = parse(kClean);
  SenderLists user{{"example.org"}, {}};
  Facts none;
  none.checked = true;
  auto forged = score(msg, none, {user});
  EXPECT_FALSE(fired(forged, "ALLOW_LISTED"));  // From not authenticated
  EXPECT_EQ(forged.scl, 0);
  Facts pass = none;
  pass.dmarc = Facts::Dmarc::pass;
  auto allowed = score(msg, pass, {user});
  EXPECT_TRUE(fired(allowed, "ALLOW_LISTED"));
  EXPECT_EQ(allowed.scl, -1);
  SenderLists global{{}, {"alice@example.org"}};
  auto blocked = score(msg, pass, {user, global});
  EXPECT_TRUE(fired(blocked, "BLOCK_LISTED"));
  EXPECT_FALSE(fired(blocked, "ALLOW_LISTED"));
  EXPECT_EQ(blocked.scl, 9);
}

TEST(SpamVerdict, ListsParseAndMatch) {
  auto lists = parse_sender_lists("# mine\nallow Friend@Example.org\n\nblock spam.example\n", "f");
  ASSERT_TRUE(lists);
  EXPECT_EQ(lists->allow, std::vector<std::string>{"friend@example.org"});
  EXPECT_EQ(lists->block, std::vector<std::string>{"spam.example"});
  auto bad = parse_sender_lists("allow\n", "f");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("f:1:"), std::string::npos);
  EXPECT_FALSE(parse_sender_lists("permit a@b\n", "f"));
  EXPECT_TRUE(list_matches("spam.example", "x@mail.spam.example"));
  EXPECT_TRUE(list_matches("spam.example", "x@SPAM.example"));
  EXPECT_FALSE(list_matches("spam.example", "x@notspam.example"));
  EXPECT_TRUE(list_matches("a@b.example", "A@b.example"));
  EXPECT_FALSE(list_matches("a@b.example", "c@b.example"));
}

TEST(SpamVerdict, ClassifierBandFromATrainedStore) {
  auto store = make_memory_store();
  ModelParams params;
  auto writer = store->write();
  ASSERT_TRUE(writer);
  for (int i = 0; i < 25; ++i) {
    auto spam = parse("From: s@spam.example\nMessage-ID: <s" + std::to_string(i) +
                      "@x>\nSubject: cheap pills\n\ncheap pills winner casino prize " +
                      std::to_string(i) + "\n");
    auto ham = parse("From: a@example.org\nMessage-ID: <h" + std::to_string(i) +
                     "@x>\nSubject: patch review\n\nmeeting patch review agenda kernel " +
                     std::to_string(i) + "\n");
    ASSERT_TRUE(learn(**writer, message_features(spam, params), true, params));
    ASSERT_TRUE(learn(**writer, message_features(ham, params), false, params));
  }
  ASSERT_TRUE((*writer)->commit());
  auto spam = parse(
      "From: s@spam.example\nMessage-ID: <t@x>\nSubject: cheap pills\n"
      "Date: Mon, 05 Jan 2026 09:58:00 +0000\n\ncheap pills winner casino prize\n");
  ScoreInput in{spam, {}};
  in.store = store.get();
  in.now = kNow;
  auto v = score_message(in);
  EXPECT_TRUE(v.classifier_used);
  EXPECT_TRUE(fired(v, "BAYES_99") || fired(v, "BAYES_95") || fired(v, "BAYES_80"))
      << symbol_list(v);
  EXPECT_GE(v.scl, 5);
  // Scoring reads the same keys (it skips only the digest) and decides the
  // same; with the logistic model off it reads no bigrams and no byte
  // n-grams (Fisher does not count them).
  const auto full = message_features(spam, params);
  const auto lean = scoring_features(spam, params);
  EXPECT_EQ(lean.keys, full.keys);
  ModelParams fisher_only = params;
  fisher_only.logistic_weight = 0.0;
  EXPECT_LT(scoring_features(spam, fisher_only).keys.size(), full.keys.size());
  auto full_snap = store->read(full.keys, full.counted);
  auto lean_snap = store->read(lean.keys, lean.counted);
  ASSERT_TRUE(full_snap && lean_snap);
  EXPECT_DOUBLE_EQ(classify(lean, *lean_snap, params).combined,
                   classify(full, *full_snap, params).combined);
  EXPECT_EQ(bayes_band(-7), "BAYES_00");
  EXPECT_EQ(bayes_band(-0.1), "BAYES_50");
  EXPECT_EQ(bayes_band(0.0), "BAYES_80");
  EXPECT_EQ(bayes_band(3.0), "BAYES_99");
}

// Issue 14: SCL 2-4 is the unsure band; its report asks the user to
// teach the filter (train on or near error, model.hpp unsure_band).
TEST(SpamVerdict, UnsureBandIsSclTwoToFourAndTheReportSaysSo) {
  SpamVerdict v;
  const auto says_unsure = [](const SpamVerdict& verdict) {
    return verdict_fields(verdict).find(
               "(unsure: SCL 2-4, not spam but near it; moving it to "
               "Junk, or marking it Not Junk ($NotJunk), teaches the "
               "filter)") != std::string::npos;
  };
  for (const auto& [score, unsure] :
       {std::pair{1.99, false}, {2.0, true}, {3.5, true}, {4.999, true}, {5.0, false}}) {
    v.score = score;
    v.scl = scl_for(score, v.required);
    EXPECT_EQ(v.unsure(), unsure) << score;
    EXPECT_EQ(says_unsure(v), unsure) << verdict_fields(v);
  }
  v.required = 8.0;  // the band scales with required_score: 3.2 to 8.0
  v.score = 3.1;
  v.scl = scl_for(v.score, v.required);
  EXPECT_FALSE(v.unsure());
  v.score = 3.2;
  v.scl = scl_for(v.score, v.required);
  EXPECT_TRUE(v.unsure());
  v.scl = -1;  // allow-listed
  EXPECT_FALSE(v.unsure());
  // The classifier's own band (its margin below the spam score).
  const ModelParams params;
  EXPECT_TRUE(spam::unsure(-0.01, params.unsure_band));
  EXPECT_TRUE(spam::unsure(-3.0, params.unsure_band));
  EXPECT_FALSE(spam::unsure(-3.01, params.unsure_band));
  EXPECT_FALSE(spam::unsure(0.0, params.unsure_band));
}

// A store that passes reads through and keeps the most weight-only keys
// one read asked for; local() as told.
class RecordingStore final : public TokenStore {
 public:
  RecordingStore(TokenStore& inner, bool local) : inner_(inner), local_(local) {}
  Result<Snapshot> read(std::span<const std::uint64_t> keys, std::size_t counted) override {
    weight_only_asked = std::max(weight_only_asked, keys.size() - counted);
    return inner_.read(keys, counted);
  }
  Result<std::unique_ptr<StoreWriter>> write() override { return inner_.write(); }
  [[nodiscard]] bool local() const noexcept override { return local_; }
  std::size_t weight_only_asked = 0;

 private:
  TokenStore& inner_;
  bool local_;
};

// A store trained class by class scores with Fisher alone: a delivery does
// not make the byte n-grams nor look up any weight, and decides exactly as
// with them; an interleaved store (logistic on) still gets them, and so does a
// store behind a round trip (Redis: the totals are not read first).
TEST(SpamVerdict, ClassByClassStoreIsScoredWithoutByteNgrams) {
  const ModelParams params;
  auto text = [](const std::string& cls, int i) {
    return cls == "spam" ? "From: s@spam.example\nMessage-ID: <s" + std::to_string(i) +
                               "@x>\nSubject: cheap pills\n\ncheap pills winner casino prize " +
                               std::to_string(i) + "\n"
                         : "From: a@example.org\nMessage-ID: <h" + std::to_string(i) +
                               "@x>\nSubject: patch review\n\nmeeting patch review agenda " +
                               std::to_string(i) + "\n";
  };
  auto train = [&](TokenStore& store, bool interleaved) {
    auto writer = store.write();
    ASSERT_TRUE(writer);
    for (int n = 0; n < 50; ++n) {
      const bool spam = interleaved ? n % 2 == 0 : n < 25;
      const auto m = parse(text(spam ? "spam" : "ham", n));
      ASSERT_TRUE(learn(**writer, message_features(m, params), spam, params));
    }
    ASSERT_TRUE((*writer)->commit());
  };
  const auto msg = parse(
      "From: s@spam.example\nMessage-ID: <t@x>\nSubject: cheap pills\n"
      "Date: Mon, 05 Jan 2026 09:58:00 +0000\n\ncheap pills winner casino prize today\n");
  const auto full = scoring_features(msg, params);
  auto run = [&](TokenStore& store, bool local, std::size_t* asked) {
    RecordingStore recording(store, local);
    ScoreInput in{msg, {}};
    in.store = &recording;
    in.now = kNow;
    auto v = score_message(in);
    *asked = recording.weight_only_asked;
    return v;
  };
  auto class_by_class = make_memory_store();
  train(*class_by_class, false);
  std::size_t lean_asked = 0;
  std::size_t remote_asked = 0;
  const auto lean = run(*class_by_class, true, &lean_asked);
  const auto remote = run(*class_by_class, false, &remote_asked);
  EXPECT_TRUE(lean.classifier_used);
  EXPECT_EQ(remote_asked, full.keys.size() - full.counted);
  EXPECT_EQ(lean_asked, 0U);  // no weight looked up
  EXPECT_EQ(symbol_list(lean), symbol_list(remote));
  EXPECT_EQ(lean.score, remote.score);
  ModelParams no_ngrams = params;
  no_ngrams.limits.char_ngram = 0;
  const auto words = scoring_features(msg, no_ngrams);
  auto full_snap = class_by_class->read(full.keys, full.counted);
  auto words_snap = class_by_class->read(words.keys, words.counted);
  ASSERT_TRUE(full_snap && words_snap);
  EXPECT_EQ(classify(words, *words_snap, params).combined,
            classify(full, *full_snap, params).combined);
  // Nor its bigrams' keys (counted against max_tokens, not made).
  no_ngrams.limits.bigram_keys = false;
  const auto lean_words = scoring_features(msg, no_ngrams);
  EXPECT_EQ(lean_words.keys.size(), lean_words.counted);
  EXPECT_EQ(lean_words.counted, words.counted);
  auto lean_snap = class_by_class->read(lean_words.keys, lean_words.counted);
  ASSERT_TRUE(lean_snap);
  EXPECT_EQ(classify(lean_words, *lean_snap, params).combined,
            classify(full, *full_snap, params).combined);
  auto interleaved = make_memory_store();
  train(*interleaved, true);
  std::size_t logistic_asked = 0;
  (void)run(*interleaved, true, &logistic_asked);
  EXPECT_EQ(logistic_asked, full.keys.size() - full.counted);
}

TEST(SpamVerdict, HeaderFieldsSpamAssassinCompatible) {
  SpamVerdict v;
  v.score = 7.1;
  v.scl = 7;
  v.hits = {{"DMARC_REJECT", 4.0, "DMARC fail"},
            {"URL_IP_HOST", 1.0, "ip (10.0.0.1\r\nX: y)"},
            {"SPF_FAIL", 2.1, "spf"}};
  const std::string fields = verdict_fields(v);
  EXPECT_NE(fields.find("X-Spam-Flag: YES\n"), std::string::npos);
  EXPECT_NE(fields.find("X-Spam-Score: 7.1\n"), std::string::npos);
  EXPECT_NE(fields.find("X-Spam-Level: *******\n"), std::string::npos);
  // Folded as SpamAssassin folds it: after a comma, before column 78.
  std::string unfolded = fields;
  for (auto at = unfolded.find(",\n\t"); at != std::string::npos; at = unfolded.find(",\n\t"))
    unfolded.erase(at + 1, 2);
  EXPECT_NE(unfolded.find("X-Spam-Status: Yes, score=7.1 required=5.0 "
                          "tests=DMARC_REJECT,URL_IP_HOST,SPF_FAIL autolearn=no\n"),
            std::string::npos)
      << fields;
  EXPECT_NE(fields.find("X-Mailroom-SCL: 7\n"), std::string::npos);
  EXPECT_NE(fields.find("\n\t*   4.0 DMARC_REJECT DMARC fail"), std::string::npos) << fields;
  // Text from the message never starts a field of its own.
  EXPECT_EQ(fields.find("\nX: y"), std::string::npos);
  for (std::size_t i = 0; i + 1 < fields.size(); ++i)
    if (fields[i] == '\n') EXPECT_TRUE(fields[i + 1] == '\t' || fields[i + 1] == 'X') << fields;
  SpamVerdict ham;
  const std::string clean = verdict_fields(ham);
  EXPECT_NE(clean.find("X-Spam-Status: No, score=0.0 required=5.0 tests=none autolearn=no\n"),
            std::string::npos)
      << clean;
  EXPECT_EQ(spamtest_level(ham), 1);
  EXPECT_EQ(spamtest_level(v), 8);
  EXPECT_EQ(spamtest_percent(v), 78);  // floor(7.1 x 100 / 9)
  v.score = 20.0;
  EXPECT_EQ(spamtest_percent(v), 100);
  v.scl = -1;
  EXPECT_EQ(spamtest_level(v), 1);
  EXPECT_EQ(spamtest_percent(v), 0);
}

}  // namespace
}  // namespace mailroom::spam
