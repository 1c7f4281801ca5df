// Learning and scoring over a token store (model.hpp).
#include "mailroom/spam/model.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "mailroom/util/text.hpp"
#include "spam/decoded_parts.hpp"

namespace mailroom::spam {
namespace {

// Fisher's tokens: words and structure (bigrams and byte n-grams made it
// worse: model.hpp).
std::vector<TokenRecord> fisher_records(const MessageFeatures& m, const Snapshot& snap) {
  std::vector<TokenRecord> out;
  out.reserve(snap.records.size());
  for (std::size_t i = 0; i < m.features.size() && i < snap.records.size(); ++i) {
    if (m.features[i].kind == TokenKind::word || m.features[i].kind == TokenKind::meta)
      out.push_back(snap.records[i]);
  }
  return out;
}

// Orders the features counted first, then weight_only (each part keeps
// its order), and fills keys and counted.
void finish_keys(MessageFeatures& m) {
  const auto hashed = std::stable_partition(m.features.begin(), m.features.end(),
                                            [](const Feature& f) { return !weight_only(f.kind); });
  m.counted = static_cast<std::size_t>(hashed - m.features.begin());
  m.keys.reserve(m.features.size());
  for (const Feature& f : m.features) m.keys.push_back(f.key);
}

// The logistic steps for one message: one step (none inside the margin),
// or for a correction in a store taught by corrections, steps until it is
// learnt (LogisticParams::correction_margin).
void logistic_learn(Snapshot& snap, bool spam, bool correction, const LogisticParams& params) {
  LogisticParams until = params;
  const bool thick = correction && params.correction_margin > 0.0;
  if (thick) until.margin = params.correction_margin;
  for (unsigned n = 0; n < (thick ? params.max_steps : 1U); ++n) {
    // Each step from the weights as the previous one left them.
    const double step = logistic_step(logistic_log_odds(snap.records, snap.totals), spam,
                                      snap.records.size(), until);
    if (step == 0.0) return;
    for (TokenRecord& r : snap.records) r.weight += static_cast<float>(step);
    snap.totals.bias += static_cast<float>(step);
  }
}

void count(std::uint32_t& counter, int delta) {
  if (delta > 0) ++counter;
  if (delta < 0 && counter > 0) --counter;  // never below zero, whatever the store held
}

}  // namespace

Digest message_digest(const message::Message& msg) {
  Digest out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return out;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  // The Message-ID first: two different messages with the same (or an
  // empty) body are still two messages.
  const std::string id = msg.value("Message-ID");
  const std::string_view trimmed = trim_space(id);
  EVP_DigestUpdate(ctx, trimmed.data(), trimmed.size());
  EVP_DigestUpdate(ctx, "\n", 1);
  const std::string_view body = msg.body();
  std::size_t start = 0;
  // Feed each run of non-space bytes: the body with all white space removed.
  for (std::size_t i = 0; i <= body.size(); ++i) {
    if (i == body.size() || is_space(body[i])) {
      if (i > start) EVP_DigestUpdate(ctx, body.data() + start, i - start);
      start = i + 1;
    }
  }
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  return out;
}

MessageFeatures message_features(const message::Message& msg, const ModelParams& params) {
  MessageFeatures m;
  DistinctFeatures distinct = distinct_features(msg, params.limits);
  m.truncated = distinct.truncated;
  m.features = std::move(distinct.features);
  finish_keys(m);
  m.digest = message_digest(msg);
  return m;
}

MessageFeatures scoring_features(const message::Message& msg, const ModelParams& params) {
  detail::DecodedParts decoded(msg);
  return scoring_features(msg, params, decoded);
}

MessageFeatures scoring_features(const message::Message& msg, const ModelParams& params,
                                 detail::DecodedParts& decoded) {
  MessageFeatures m;
  TokenLimits limits = params.limits;
  const bool unigrams_only = params.logistic_weight == 0.0;
  if (unigrams_only) {  // not even made
    limits.bigram_window = 1;
    limits.char_ngram = 0;
  }
  DistinctFeatures distinct = distinct_features(msg, limits, decoded);
  m.truncated = distinct.truncated;
  m.features = std::move(distinct.features);
  if (unigrams_only)
    std::erase_if(m.features, [](const Feature& f) {
      return f.kind == TokenKind::bigram || f.kind == TokenKind::ngram;
    });
  finish_keys(m);
  return m;
}

bool interleaved_training(const Totals& totals) noexcept {
  const std::uint64_t fewer = std::min(totals.spam, totals.ham);
  return std::uint64_t{totals.switches} * 4 >= fewer && totals.switches > 0;
}

bool corrected_training(const Totals& totals, std::uint32_t min_corrections) noexcept {
  return totals.corrections >= min_corrections &&
         std::uint64_t{totals.corrections} * 2 > std::uint64_t{totals.spam} + totals.ham;
}

ModelParams effective_params(const ModelParams& params, const Totals& totals) {
  if (params.logistic_weight == 0.0) return params;
  if (interleaved_training(totals)) {
    if (!corrected_training(totals, params.min_corrections)) return params;
    ModelParams corrected = params;
    corrected.fisher_weight = params.correction_fisher_weight;
    return corrected;
  }
  ModelParams fisher = params;
  fisher.logistic_weight = 0.0;
  fisher.fisher_weight = params.fisher_alone_weight;
  fisher.spam_cutoff = params.fisher_alone_cutoff;
  return fisher;
}

ClassifierScore classify(const MessageFeatures& m, const Snapshot& snap,
                         const ModelParams& requested) {
  const ModelParams params = effective_params(requested, snap.totals);
  ClassifierScore s;
  s.fisher = fisher_score(fisher_records(m, snap), snap.totals, params.fisher);
  s.logistic = logistic_log_odds(snap.records, snap.totals);
  s.combined = params.logistic_weight * s.logistic + params.fisher_weight * s.fisher.log_ratio;
  return s;
}

int scl_of(double score) noexcept {
  if (!(score >= 0.0)) return 0;  // NaN too
  return score >= 9.0 ? 9 : static_cast<int>(score);
}

bool unsure(double margin, double unsure_band) noexcept {
  return margin < 0.0 && margin >= -unsure_band;
}

Verdict verdict(const ClassifierScore& s, const Totals& totals, const ModelParams& requested) {
  const ModelParams params = effective_params(requested, totals);
  Verdict v;
  v.classifier = s;
  v.trained = totals.spam >= params.min_learnt && totals.ham >= params.min_learnt;
  v.score = v.trained ? 5.0 + (s.combined - params.spam_cutoff) : 0.0;
  v.scl = scl_of(v.score);
  return v;
}

Result<LearnOutcome> learn(StoreWriter& writer, const MessageFeatures& m, bool spam,
                           const ModelParams& params) {
  const MessageClass target = spam ? MessageClass::spam : MessageClass::ham;
  auto previous = writer.message_class(m.digest);
  if (!previous) return tl::unexpected(previous.error());
  if (*previous == target) return LearnOutcome::already_known;
  auto snap = writer.read(m.keys, m.counted);
  if (!snap) return tl::unexpected(snap.error());
  const bool moving = *previous != MessageClass::none;
  // Scored wrong before learning (as `score` would have filed it)?
  const bool correction =
      (classify(m, *snap, params).combined - effective_params(params, snap->totals).spam_cutoff >=
       0.0) != spam;
  if (correction && !moving) ++snap->totals.corrections;
  for (TokenRecord& r : snap->records) {
    if (moving) count(spam ? r.ham : r.spam, -1);
    count(spam ? r.spam : r.ham, +1);
  }
  if (moving) count(spam ? snap->totals.ham : snap->totals.spam, -1);
  count(spam ? snap->totals.spam : snap->totals.ham, +1);
  const auto target_byte = static_cast<std::uint8_t>(target);
  if (snap->totals.last_class != 0 && snap->totals.last_class != target_byte)
    ++snap->totals.switches;
  snap->totals.last_class = target_byte;
  logistic_learn(*snap, spam,
                 correction && corrected_training(snap->totals, params.min_corrections),
                 params.logistic);
  if (auto put = writer.put(m.keys, m.counted, snap->records, snap->totals); !put)
    return tl::unexpected(put.error());
  if (auto set = writer.set_message_class(m.digest, target); !set)
    return tl::unexpected(set.error());
  return moving ? LearnOutcome::moved : LearnOutcome::learnt;
}

}  // namespace mailroom::spam
