// strongest_evidence and explain_lines (explain.hpp).
#include "mailroom/spam/explain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace mailroom::spam {
namespace {

std::string format(const char* fmt, double a, double b = 0.0, double c = 0.0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);  // NOLINT: fixed formats below
  return buf;
}

}  // namespace

std::vector<Evidence> strongest_evidence(const message::Message& msg, const MessageFeatures& m,
                                         const Snapshot& snap, const ModelParams& requested,
                                         std::size_t n) {
  const ModelParams params = effective_params(requested, snap.totals);
  std::unordered_map<std::uint64_t, std::string> names;
  for (const Token& t : tokenize(msg, params.limits).tokens)
    names.emplace(token_hash(t.text), t.text);
  const double scale = m.keys.empty() ? 1.0 : 1.0 / std::sqrt(static_cast<double>(m.keys.size()));
  std::vector<Evidence> out;
  for (std::size_t i = 0; i < m.keys.size() && i < snap.records.size(); ++i) {
    const TokenRecord& r = snap.records[i];
    // The token's share of the verdict: its logistic weight (if used) plus
    // its Fisher evidence ln(f/(1-f)) when Fisher counts it (a word or a
    // structure token, |f - 0.5| >= min_dev), each scaled as in classify().
    double weight = params.logistic_weight * r.weight * scale;
    const double f = std::clamp(token_probability(r, snap.totals, params.fisher), 1e-6, 1 - 1e-6);
    const bool fisher_counts =
        m.features[i].kind == TokenKind::word || m.features[i].kind == TokenKind::meta;
    if (fisher_counts && std::abs(f - 0.5) >= params.fisher.min_dev)
      weight += params.fisher_weight * std::log(f / (1.0 - f));
    if (weight == 0.0) continue;
    const auto name = names.find(m.keys[i]);
    out.push_back(Evidence{name == names.end() ? "?" : name->second, weight, r});
  }
  const std::size_t keep = std::min(n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                    [](const Evidence& a, const Evidence& b) {
                      return std::abs(a.contribution) > std::abs(b.contribution);
                    });
  out.resize(keep);
  return out;
}

std::vector<std::string> explain_lines(const Verdict& v, const Totals& totals,
                                       const std::vector<Evidence>& evidence,
                                       const ModelParams& requested) {
  const ModelParams params = effective_params(requested, totals);
  std::vector<std::string> lines;
  lines.push_back("training: " + std::to_string(totals.spam) + " spam, " +
                  std::to_string(totals.ham) + " ham learnt");
  if (!v.trained) {
    lines.push_back("classifier not used: it needs " + std::to_string(params.min_learnt) +
                    " learnt messages of each class (mailroom learn --spam|--ham)");
    return lines;
  }
  if (params.logistic_weight != requested.logistic_weight) {
    lines.push_back("logistic model not used: training was not interleaved (" +
                    std::to_string(totals.switches) +
                    " changes of class; learn spam and ham mixed, or move mail)");
  } else if (corrected_training(totals, params.min_corrections)) {
    lines.push_back("taught by corrections (" + std::to_string(totals.corrections) +
                    " of the messages learnt had been scored wrong): each is learnt fully");
  }
  const auto& c = v.classifier;
  lines.push_back(format("classifier: logistic log-odds %+.2f, Robinson-Fisher I = %.4f",
                         c.logistic, c.fisher.probability) +
                  " over " + std::to_string(c.fisher.tokens_used) + " tokens" +
                  format(" (ln H'/S' %+.2f)", c.fisher.log_ratio));
  lines.push_back(format("combined %+.2f = %.2f x logistic", c.combined, params.logistic_weight) +
                  format(" + %.2f x Fisher ln ratio; score = 5 + combined - %.2f",
                         params.fisher_weight, params.spam_cutoff));
  if (!evidence.empty()) lines.push_back("strongest evidence (+ spam, - ham):");
  for (const Evidence& e : evidence) {
    lines.push_back(format("  %+7.3f  ", e.contribution) + "\"" + e.token + "\"" + " (in " +
                    std::to_string(e.record.spam) + " spam, " + std::to_string(e.record.ham) +
                    " ham)");
  }
  return lines;
}

}  // namespace mailroom::spam
