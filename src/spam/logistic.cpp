// Online logistic regression over binary hashed features (classifier.hpp).
#include <cmath>

#include "mailroom/spam/classifier.hpp"

namespace mailroom::spam {

double logistic_log_odds(std::span<const TokenRecord> records, const Totals& totals) noexcept {
  if (records.empty()) return totals.bias;
  double sum = 0.0;
  for (const TokenRecord& r : records) sum += r.weight;
  return totals.bias + sum / std::sqrt(static_cast<double>(records.size()));
}

double logistic_step(double log_odds, bool spam, std::size_t tokens,
                     const LogisticParams& params) noexcept {
  const double p_spam = 1.0 / (1.0 + std::exp(-log_odds));
  const double p_true = spam ? p_spam : 1.0 - p_spam;
  if (params.margin > 0.0 && p_true >= 1.0 - params.margin) return 0.0;
  const double gradient = (spam ? 1.0 : 0.0) - p_spam;
  // d log_odds / d weight = 1/sqrt(n) for each of the message's tokens.
  const double scale = tokens == 0 ? 1.0 : 1.0 / std::sqrt(static_cast<double>(tokens));
  return params.rate * gradient * scale;
}

}  // namespace mailroom::spam
