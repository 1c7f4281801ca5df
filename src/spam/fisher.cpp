// Robinson–Fisher combining (classifier.hpp).
#include <algorithm>
#include <cmath>

#include "mailroom/spam/classifier.hpp"

namespace mailroom::spam {
namespace {

// ln of the chi-square upper tail Q(chi2, 2n) = e^-m * sum_{i<n} m^i / i!
// with m = chi2/2, summed in the log domain so that large n and m never
// underflow (Robinson's chi2Q, as in SpamBayes, works on probabilities and
// saturates at 0 for the long messages we want to tell apart).
double log_chi2q(double chi2, std::uint32_t n) noexcept {
  const double m = chi2 / 2.0;
  if (m <= 0.0) return 0.0;
  const double log_m = std::log(m);
  double log_term = 0.0;  // ln(m^0 / 0!)
  double log_sum = 0.0;
  for (std::uint32_t i = 1; i < n; ++i) {
    log_term += log_m - std::log(static_cast<double>(i));
    const double hi = std::max(log_sum, log_term);
    log_sum = hi + std::log1p(std::exp(std::min(log_sum, log_term) - hi));
  }
  return std::min(0.0, log_sum - m);
}

}  // namespace

double token_probability(const TokenRecord& r, const Totals& totals,
                         const FisherParams& params) noexcept {
  const double spam_total = std::max<double>(1.0, totals.spam);
  const double ham_total = std::max<double>(1.0, totals.ham);
  const double spam_freq = r.spam / spam_total;
  const double ham_freq = r.ham / ham_total;
  const double n = static_cast<double>(r.spam) + r.ham;
  if (n == 0.0) return params.prior;
  const double p = spam_freq / (spam_freq + ham_freq);
  return (params.strength * params.prior + n * p) / (params.strength + n);
}

FisherResult fisher_score(std::span<const TokenRecord> records, const Totals& totals,
                          const FisherParams& params) noexcept {
  double sum_ln_f = 0.0;      // sum of ln f(w)
  double sum_ln_not_f = 0.0;  // sum of ln (1 - f(w))
  std::uint32_t n = 0;
  for (const TokenRecord& r : records) {
    const double f = std::clamp(token_probability(r, totals, params), 1e-6, 1.0 - 1e-6);
    if (std::abs(f - 0.5) < params.min_dev) continue;
    sum_ln_f += std::log(f);
    sum_ln_not_f += std::log1p(-f);
    ++n;
  }
  FisherResult out;
  out.tokens_used = n;
  if (n == 0) return out;
  // H' = Q(-2 sum ln f): small when the tokens are spammy... inverted:
  // S = 1 - Q(-2 sum ln(1-f), 2n) is near 1 for spammy tokens,
  // H = 1 - Q(-2 sum ln f, 2n) is near 1 for hammy ones (Robinson 2003).
  const double log_q_spam = log_chi2q(-2.0 * sum_ln_not_f, n);  // ln(1 - S)
  const double log_q_ham = log_chi2q(-2.0 * sum_ln_f, n);       // ln(1 - H)
  const double s = 1.0 - std::exp(log_q_spam);
  const double h = 1.0 - std::exp(log_q_ham);
  out.probability = (1.0 + s - h) / 2.0;
  out.log_ratio = log_q_ham - log_q_spam;
  return out;
}

}  // namespace mailroom::spam
