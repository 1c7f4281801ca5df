// RFC 5235 spamtest: the scale the pipeline and `mailroom sieve test
// --spam-score` share (interpret.hpp).
#include <cmath>

#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve {

int spam_confidence_level(double score) noexcept {
  if (!(score > 0)) return 0;  // also NaN
  if (score >= 9) return 9;
  return static_cast<int>(std::floor(score));
}

TestVerdict spam_verdict(double score) noexcept {
  TestVerdict verdict;
  verdict.level = spam_confidence_level(score) + 1;
  double percent = score > 0 ? std::floor(score * 100 / 9) : 0;
  verdict.percent = percent >= 100 ? 100 : static_cast<int>(percent);
  return verdict;
}

}  // namespace mailroom::sieve
