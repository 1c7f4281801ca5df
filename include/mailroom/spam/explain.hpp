// Why the classifier decided as it did, in words (`mailroom score
// --explain`, later X-Spam-Report): the tokens that pushed hardest either way.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "mailroom/spam/model.hpp"

namespace mailroom::spam {

struct Evidence {
  std::string token;  // as tokenized: "subj:free", "url:example.com", "buy * now"
  // logistic_weight x its logistic share + fisher_weight x ln(f/(1-f)):
  // + spam, - ham
  double contribution = 0.0;
  TokenRecord record;
};

// The n tokens of the message with the largest |contribution|, largest
// first. `msg` is tokenized again to name the keys.
[[nodiscard]] std::vector<Evidence> strongest_evidence(const message::Message& msg,
                                                       const MessageFeatures& m,
                                                       const Snapshot& snap,
                                                       const ModelParams& params, std::size_t n);

// The lines of --explain: the verdict's parts, then the evidence.
[[nodiscard]] std::vector<std::string> explain_lines(const Verdict& v, const Totals& totals,
                                                     const std::vector<Evidence>& evidence,
                                                     const ModelParams& params);

}  // namespace mailroom::spam
