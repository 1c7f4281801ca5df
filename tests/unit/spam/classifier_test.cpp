// The classifiers on small hand-made training sets with known outcomes.
#include "mailroom/spam/classifier.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace mailroom::spam {
namespace {

TEST(Fisher, UnseenTokensAreNeutral) {
  const std::vector<TokenRecord> none(5);
  const FisherResult r = fisher_score(none, Totals{10, 10, 0});
  EXPECT_DOUBLE_EQ(r.probability, 0.5);
  EXPECT_EQ(r.tokens_used, 0U);
}

TEST(Fisher, TokenProbabilityFollowsRobinson) {
  // 3 of 10 spam, 1 of 20 ham: p = 0.3 / (0.3 + 0.05) = 6/7, then
  // f = (s*x + n*p) / (s + n) with s = 1, x = 0.5, n = 4.
  const FisherParams params{1.0, 0.5, 0.1};
  const double f = token_probability(TokenRecord{3, 1, 0}, Totals{10, 20, 0}, params);
  EXPECT_NEAR(f, (0.5 + 4.0 * 6.0 / 7.0) / 5.0, 1e-12);
}

TEST(Fisher, SpammyAndHammyTokensDecide) {
  const Totals totals{100, 100, 0};
  const std::vector<TokenRecord> spammy{{90, 1, 0}, {80, 2, 0}, {70, 0, 0}};
  const std::vector<TokenRecord> hammy{{1, 90, 0}, {0, 80, 0}, {2, 70, 0}};
  const FisherResult s = fisher_score(spammy, totals);
  const FisherResult h = fisher_score(hammy, totals);
  EXPECT_GT(s.probability, 0.95);
  EXPECT_LT(h.probability, 0.05);
  EXPECT_GT(s.log_ratio, 0.0);
  EXPECT_LT(h.log_ratio, 0.0);
  // Mixed evidence is uncertain: I stays near the middle.
  std::vector<TokenRecord> mixed = spammy;
  mixed.insert(mixed.end(), hammy.begin(), hammy.end());
  EXPECT_NEAR(fisher_score(mixed, totals).probability, 0.5, 0.05);
}

TEST(Fisher, LogRatioKeepsOrderWhereProbabilitySaturates) {
  const Totals totals{1000, 1000, 0};
  const std::vector<TokenRecord> strong(200, TokenRecord{900, 1, 0});
  const std::vector<TokenRecord> stronger(400, TokenRecord{900, 1, 0});
  const FisherResult a = fisher_score(strong, totals);
  const FisherResult b = fisher_score(stronger, totals);
  EXPECT_DOUBLE_EQ(a.probability, b.probability);  // both 1.0 in double
  EXPECT_GT(b.log_ratio, a.log_ratio);
  EXPECT_TRUE(std::isfinite(b.log_ratio));
}

TEST(Logistic, LearnsASeparableSet) {
  // Four tokens: 0 and 1 appear in spam, 2 and 3 in ham, 4 in both.
  std::vector<TokenRecord> table(5);
  Totals totals;
  const std::vector<std::vector<int>> spam{{0, 4}, {1, 4}, {0, 1}};
  const std::vector<std::vector<int>> ham{{2, 4}, {3, 4}, {2, 3}};
  const LogisticParams params{1.0, 0.0};
  auto odds = [&](const std::vector<int>& msg) {
    std::vector<TokenRecord> recs;
    for (int i : msg) recs.push_back(table[i]);
    return logistic_log_odds(recs, totals);
  };
  for (int round = 0; round < 20; ++round) {
    for (std::size_t i = 0; i < spam.size(); ++i) {
      for (const auto* msg : {&spam[i], &ham[i]}) {
        const bool is_spam = msg == &spam[i];
        const double step = logistic_step(odds(*msg), is_spam, msg->size(), params);
        for (int t : *msg) table[t].weight += static_cast<float>(step);
        totals.bias += static_cast<float>(step);
      }
    }
  }
  for (const auto& m : spam) EXPECT_GT(odds(m), 1.0);
  for (const auto& m : ham) EXPECT_LT(odds(m), -1.0);
  EXPECT_LT(std::abs(table[4].weight), std::abs(table[0].weight));  // shared token: weak
}

TEST(Logistic, MarginSkipsMessagesAlreadyRight) {
  const LogisticParams params{1.0, 0.1};
  EXPECT_EQ(logistic_step(5.0, true, 10, params), 0.0);   // p = 0.993 > 0.9
  EXPECT_GT(logistic_step(1.0, true, 10, params), 0.0);   // p = 0.73: learn
  EXPECT_LT(logistic_step(1.0, false, 10, params), 0.0);  // wrong: learn toward ham
}

}  // namespace
}  // namespace mailroom::spam
