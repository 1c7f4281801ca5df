// The two statistical classifiers of issue 14, over the token keys of
// tokenize.hpp. Both read one record per token from the token store, so one
// store serves both and `learn` updates both at once:
//  - Robinson–Fisher (Robinson 2003, as in SpamBayes and bogofilter): per
//    token a smoothed spam probability f(w) from its spam and ham message
//    counts, combined by Fisher's chi-square method into I in [0, 1];
//  - online logistic regression over binary hashed features (Goodman & Yin
//    2006, Sculley & Wachman 2007): one weight per token, updated by a
//    gradient step when a message is learnt.
// bench/spam-eval compares them; combined_score() is what mailroom uses.
#pragma once

#include <cstdint>
#include <span>

namespace mailroom::spam {

// What the store keeps per token.
struct TokenRecord {
  std::uint32_t spam = 0;  // spam messages learnt that contain the token
  std::uint32_t ham = 0;   // ham messages learnt that contain the token
  float weight = 0.0F;     // the logistic-regression weight
};

// Messages learnt per class, and the model's bias.
struct Totals {
  std::uint32_t spam = 0;
  std::uint32_t ham = 0;
  float bias = 0.0F;
  // How often learning changed class (a spam learnt after a ham or the
  // reverse), and the class learnt last (MessageClass: 0 none, 1 ham,
  // 2 spam): the online logistic model is trusted only after interleaved
  // training (model.hpp).
  std::uint32_t switches = 0;
  std::uint8_t last_class = 0;
  // Messages learnt that the model had scored in the wrong class: when
  // they are most of what was learnt, the store is taught by corrections
  // (users moving misfiled mail) and learns each one fully (model.hpp).
  std::uint32_t corrections = 0;
};

struct FisherParams {
  double strength = 0.45;  // Robinson's s: weight of the prior x
  double prior = 0.5;      // Robinson's x: f(w) of a token never seen
  double min_dev = 0.1;    // tokens with |f(w) - 0.5| below this are ignored
};

struct FisherResult {
  double probability = 0.5;  // Robinson's I = (1 + S - H) / 2, in [0, 1]
  // ln H' - ln S' (the chi-square tail probabilities): orders messages even
  // where probability saturates at 0 or 1 (for ROC area and thresholds).
  double log_ratio = 0.0;
  std::uint32_t tokens_used = 0;
};

// f(w) (Robinson's smoothed token probability).
[[nodiscard]] double token_probability(const TokenRecord& r, const Totals& totals,
                                       const FisherParams& params) noexcept;

[[nodiscard]] FisherResult fisher_score(std::span<const TokenRecord> records, const Totals& totals,
                                        const FisherParams& params = {}) noexcept;

struct LogisticParams {
  double rate = 0.1;  // learning rate of one gradient step
  // Learn only when the model is less sure than this (p of the true
  // class below 1 - margin): "train on near errors" keeps weights from
  // growing on messages it already gets right. 0 learns every message.
  double margin = 0.0;
  // Train until learnt: a correction (corrected_training, model.hpp)
  // repeats the step, at most max_steps times, until p of the true class
  // is 1 - correction_margin or more (a thick threshold, Sculley &
  // Wachman 2007), not just past `margin`; the steps shrink with 1 - p,
  // so 50 steps at rate 8 reach log-odds ~6 (ln 999 = 6.9). 0 takes one
  // step as for any message.
  double correction_margin = 0.0;
  unsigned max_steps = 50;
};

// The logistic model's log-odds of spam; features are binary and scaled
// by 1/sqrt(n) (n = number of tokens), so long messages do not dominate.
[[nodiscard]] double logistic_log_odds(std::span<const TokenRecord> records,
                                       const Totals& totals) noexcept;

// One learning step toward `spam`: returns the change to add to every
// token's weight (and the bias), 0 when inside the margin.
[[nodiscard]] double logistic_step(double log_odds, bool spam, std::size_t tokens,
                                   const LogisticParams& params) noexcept;

}  // namespace mailroom::spam
