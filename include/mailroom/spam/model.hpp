// Learning and scoring over a token store: the classifier chosen by
// bench/spam-eval (issue 14), online logistic regression plus
// fisher_weight times the Robinson–Fisher log ratio (unigrams and structure
// tokens only; bigrams made Fisher worse). Figures in the commit "spam:
// classifier chosen by measurement".
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
};

struct ClassifierScore {
  FisherResult fisher;
  double logistic = 0.0;  // log-odds
  double combined = 0.0;  // logistic + fisher_weight * fisher.log_ratio; spam when >= 0
};

// The features of a message, and the digest that identifies it in a store.
struct MessageFeatures {
  std::vector<Feature> features;
  std::vector<std::uint64_t> keys;  // features' keys, same order
  Digest digest{};
  bool truncated = false;
};

MessageFeatures message_features(const message::Message& msg, const ModelParams& params);

// SHA-256 of the body with white space removed (store.hpp, Digest).
Digest message_digest(const message::Message& msg);

// Scores features against the records read for them (same order).
ClassifierScore classify(const MessageFeatures& m, const Snapshot& snap, const ModelParams& params);

enum class LearnOutcome { learnt, moved, already_known };

// Learns one message as spam or ham inside the writer's transaction: a
// message learnt before in the other class is first unlearnt there (its
// counts move); one learnt in the same class is left alone.
[[nodiscard]] Result<LearnOutcome> learn(StoreWriter& writer, const MessageFeatures& m, bool spam,
                                         const ModelParams& params);

}  // namespace mailroom::spam
