// Learning and scoring over a token store (issue 14). Both classifiers of
// classifier.hpp are trained by every learn(); the score combines them as
// logistic_weight x logistic log-odds + fisher_weight x the Robinson-Fisher
// log ratio (unigrams and structure tokens only; bigrams made Fisher worse).
// bench/spam-eval measured the combination best when training interleaves
// spam and ham (0.054 vs 0.117 (1-ROCA)%), but the online logistic model
// depends on the order of training: learnt class by class, as
// `learn --spam DIR; learn --ham DIR` does, it collapses ((1-ROCA)% 11.8,
// combination 0.215). So the default scores with Robinson-Fisher alone,
// which depends on counts only; logistic_weight = 1 turns the combination
// on. Figures in the commit "spam: learn and score commands".
#pragma once

#include <cstdint>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/spam/classifier.hpp"
#include "mailroom/spam/store.hpp"
#include "mailroom/spam/tokenize.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::spam {

struct ModelParams {
  TokenLimits limits;
  FisherParams fisher;
  LogisticParams logistic{32.0, 0.1};
  double fisher_weight = 0.3;
  double logistic_weight = 0.0;
  // The combined value that maps to score 5.0 (SCL 5, Junk). With Fisher
  // alone 1.5 (ln H'/S' = 5) gave FPR 0.21 % / FNR 11.5 % on
  // bench/spam-eval's seeds 1-5 (0.0: 0.78 % / 3.3 %); with the combination
  // 3.0 gave 0.29 % / 5.1 %. Ham in Junk is what users forgive least.
  double spam_cutoff = 1.5;
  // Below this many learnt messages of either class the classifier is not
  // consulted (its counts say nothing yet); SpamAssassin waits for 200.
  std::uint32_t min_learnt = 20;
};

struct ClassifierScore {
  FisherResult fisher;
  double logistic = 0.0;  // log-odds
  double combined = 0.0;  // logistic_weight * logistic + fisher_weight * fisher.log_ratio
};

// The features of a message, and the digest that identifies it in a store.
struct MessageFeatures {
  std::vector<Feature> features;
  std::vector<std::uint64_t> keys;  // features' keys, same order
  Digest digest{};
  bool truncated = false;
};

MessageFeatures message_features(const message::Message& msg, const ModelParams& params);

// What scoring needs: the features without the digest (SHA-256 through
// OpenSSL's EVP, whose first use in a process cost more than the rest of
// scoring: callgrind, 5.3 of 9.1 M instructions), and without the bigrams
// when the logistic model is off (Fisher leaves them out): each key is one
// B+tree lookup in the store, about one page fault in a large store
// (a 4 KB message: 600 -> 200 lookups).
MessageFeatures scoring_features(const message::Message& msg, const ModelParams& params);

// SHA-256 of the Message-ID and the body without white space (store.hpp).
Digest message_digest(const message::Message& msg);

// Scores features against the records read for them (same order).
ClassifierScore classify(const MessageFeatures& m, const Snapshot& snap, const ModelParams& params);

// The verdict of issue 14: a SpamAssassin-like score (spam at 5.0) and a
// Spam Confidence Level: 0 below score 1, then floor(score) up to 9, so
// SCL >= 5 exactly when score >= 5.0. (-1, trusted, comes with the
// allow lists.)
struct Verdict {
  double score = 0.0;
  int scl = 0;
  bool trained = false;  // false: too little training, the classifier was not used
  ClassifierScore classifier;
};

[[nodiscard]] Verdict verdict(const ClassifierScore& s, const Totals& totals,
                              const ModelParams& params);
[[nodiscard]] int scl_of(double score) noexcept;

enum class LearnOutcome { learnt, moved, already_known };

// Learns one message as spam or ham inside the writer's transaction: a
// message learnt before in the other class is first unlearnt there (its
// counts move); one learnt in the same class is left alone.
[[nodiscard]] Result<LearnOutcome> learn(StoreWriter& writer, const MessageFeatures& m, bool spam,
                                         const ModelParams& params);

}  // namespace mailroom::spam
