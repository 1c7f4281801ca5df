// The accuracy check of issue 14, in CI: a small fixed split of the
// deduplicated SpamAssassin public corpus (scripts/fetch-corpus; never
// committed, never sent anywhere): 200 spam + 200 ham learnt, alternating,
// then 200 + 200 other messages scored through learn()/classify()/verdict()
// over the in-memory store (the LMDB store has its own tests). Thresholds a
// broken classifier cannot pass: a classifier that ignores its input scores
// (1-ROCA) = 50 %, this one 0.16 %.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/spam/learn_files.hpp"
#include "mailroom/spam/model.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::spam {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() {
  const char* env = std::getenv("MAILROOM_CORPUS_DIR");
  return env != nullptr ? fs::path(env) : fs::path("/var/cache/mailroom-test/spam-assassin");
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// issue 14's deduplication: the bytes after the first empty line with all
// white space removed; the first of each set in sorted path order stays.
std::string dedup_key(const std::string& raw) {
  std::size_t start = std::string::npos;
  for (std::size_t i = 0; i + 1 < raw.size(); ++i) {
    if (raw[i] != '\n') continue;
    std::size_t j = i + 1;
    if (j < raw.size() && raw[j] == '\r') ++j;
    if (j < raw.size() && raw[j] == '\n') {
      start = j + 1;
      break;
    }
  }
  std::string key;
  if (start == std::string::npos) return key;
  for (std::size_t i = start; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') key += c;
  }
  return key;
}

struct Corpus {
  std::vector<std::string> ham;
  std::vector<std::string> spam;
};

Corpus deduplicated_corpus() {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(corpus_dir() / "data", ec)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  Corpus out;
  std::set<std::string> seen;
  for (const auto& f : files) {
    if (!seen.insert(dedup_key(slurp(f))).second) continue;
    const bool spam = f.parent_path().filename().string().rfind("spam", 0) == 0;
    (spam ? out.spam : out.ham).push_back(f.string());
  }
  return out;
}

double one_minus_roca_percent(const std::vector<double>& ham, const std::vector<double>& spam) {
  double wins = 0.0;
  for (const double s : spam) {
    for (const double h : ham) wins += s > h ? 1.0 : (s == h ? 0.5 : 0.0);
  }
  return 100.0 *
         (1.0 - wins / (static_cast<double>(ham.size()) * static_cast<double>(spam.size())));
}

TEST(SpamAccuracy, FixedSplitOfTheSpamAssassinCorpus) {
  Corpus corpus = deduplicated_corpus();
  if (corpus.ham.empty()) {
    MAILROOM_SKIP_OR_FAIL() << "SpamAssassin corpus not found in " << corpus_dir()
                            << " (scripts/fetch-corpus)";
  }
  ASSERT_EQ(corpus.ham.size(), 4110U);
  ASSERT_EQ(corpus.spam.size(), 1728U);
  // A fixed split: std::mt19937 is specified by the standard, so is the
  // Fisher-Yates below; the same 800 messages on every machine.
  std::mt19937 rng(14);
  for (auto* list : {&corpus.ham, &corpus.spam}) {
    for (std::size_t i = list->size() - 1; i > 0; --i)
      std::swap((*list)[i], (*list)[rng() % (i + 1)]);
  }
  const ModelParams params;
  auto store = make_memory_store();
  for (std::size_t i = 0; i < 200; ++i) {
    for (const bool spam : {true, false}) {
      auto msg = read_message_file(spam ? corpus.spam[i] : corpus.ham[i]);
      ASSERT_TRUE(msg.has_value());
      auto writer = store->write();
      ASSERT_TRUE(writer.has_value());
      ASSERT_TRUE(learn(**writer, message_features(*msg, params), spam, params).has_value());
      ASSERT_TRUE((*writer)->commit().has_value());
    }
  }
  std::vector<double> ham_scores, spam_scores;
  int ham_as_spam = 0, spam_as_ham = 0;
  for (std::size_t i = 200; i < 400; ++i) {
    for (const bool spam : {true, false}) {
      auto msg = read_message_file(spam ? corpus.spam[i] : corpus.ham[i]);
      ASSERT_TRUE(msg.has_value());
      const auto features = message_features(*msg, params);
      auto snap = store->read(features.keys, features.counted);
      ASSERT_TRUE(snap.has_value());
      const Verdict v = verdict(classify(features, *snap, params), snap->totals, params);
      (spam ? spam_scores : ham_scores).push_back(v.score);
      if (spam && v.scl < 5) ++spam_as_ham;
      if (!spam && v.scl >= 5) ++ham_as_spam;
    }
  }
  const double roca = one_minus_roca_percent(ham_scores, spam_scores);
  RecordProperty("one_minus_roca_percent", std::to_string(roca));
  RecordProperty("ham_as_spam", ham_as_spam);
  RecordProperty("spam_as_ham", spam_as_ham);
  // Measured 0.162, 3 and 4. The previous classifier (Robinson-Fisher
  // alone, cutoff 1.5) measured 0.213, 1 and 17 and fails the last bound;
  // one that ignores its input scores 50 % and fails the first.
  EXPECT_LT(roca, 0.4);
  EXPECT_LE(ham_as_spam, 4);   // of 200 ham
  EXPECT_LE(spam_as_ham, 10);  // of 200 spam
  std::printf("(1-ROCA)%% %.3f, ham as spam %d/200, spam as ham %d/200\n", roca, ham_as_spam,
              spam_as_ham);
}

}  // namespace
}  // namespace mailroom::spam
