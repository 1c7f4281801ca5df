// score_message() and the rules' weights (verdict.hpp, rules.hpp).
#include "mailroom/spam/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "mailroom/util/decimal.hpp"
#include "mailroom/util/text.hpp"
#include "spam/decoded_parts.hpp"
#include "spam/rules_text.hpp"

namespace mailroom::spam {
namespace {

bool is_auth_symbol(std::string_view name) {
  return name.starts_with("SPF_") || name.starts_with("DKIM_") || name.starts_with("DMARC_") ||
         name.starts_with("ARC_") || name == "FROM_UNAUTHENTICATED";
}

// Where a hit's weight and reason come from: the table of spam.rules, else
// the built-in entries read where they are. RuleTable::built_in() copied all
// of them into strings at its first use, in every delivery (12 K
// instructions and 40 allocations, callgrind) for the few symbols that fire.
class Weights {
 public:
  explicit Weights(const RuleTable* table) : table_(table) {}
  void apply(Hit& hit) const {
    if (table_ != nullptr) {
      if (const RuleEntry* e = table_->find(hit.name)) {
        hit.weight = e->weight;
        hit.reason = e->reason;
      }
      return;
    }
    for (std::size_t i = 0; i < detail::kBuiltInEntryCount; ++i) {
      const detail::BuiltInRule& e = detail::kBuiltInEntries[i];
      if (hit.name != e.name) continue;
      hit.weight = e.weight;
      hit.reason = e.reason;
      return;
    }
  }

 private:
  const RuleTable* table_;
};

Hit make_hit(const Weights& weights, std::string_view name, std::string_view found) {
  Hit hit{std::string(name), 0.0, {}};
  weights.apply(hit);
  if (!found.empty()) hit.reason.append(" (").append(found) += ")";
  return hit;
}

// Issue 14, forwarded mail: a forwarder breaks SPF but keeps DKIM; a
// mailing list breaks DKIM too but seals what it saw with ARC (RFC 8617).
void suppress_forwarding(std::vector<Hit>& hits, const RuleInput& in) {
  const bool arc = rules::trusted_arc(in.auth, in.trusted_arc_sealers);
  const bool dkim = rules::dkim_aligned(in.message, in.auth);
  for (Hit& hit : hits) {
    if (arc && is_auth_symbol(hit.name)) {
      hit.weight = 0.0;
      hit.reason += "; not counted: a trusted ARC sealer (" + in.auth.arc_sealers.back() +
                    ") vouches for this forwarded message";
    } else if (dkim && hit.name.starts_with("SPF_")) {
      hit.weight = 0.0;
      hit.reason += "; not counted: a DKIM signature aligned with From passed (forwarded mail)";
    }
  }
}

std::int64_t clock_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string lower_address(const message::Address& a) {
  return ascii_lower(a.local_part) + "@" + ascii_lower(a.domain);
}

// The list symbol, if any: block before allow, the user's lists first.
std::optional<Hit> list_hit(const ScoreInput& in, const Weights& table) {
  const auto from = in.message.addresses("From");
  const std::string author = from.empty() ? std::string{} : lower_address(from.front());
  const std::string sender = ascii_lower(in.envelope_sender);
  for (const SenderLists& lists : in.lists)
    for (const auto& entry : lists.block)
      if (list_matches(entry, author) || list_matches(entry, sender))
        return make_hit(table, "BLOCK_LISTED", entry);
  if (author.empty() || !rules::from_authenticated(in.message, in.auth)) return std::nullopt;
  for (const SenderLists& lists : in.lists)
    for (const auto& entry : lists.allow)
      if (list_matches(entry, author)) return make_hit(table, "ALLOW_LISTED", entry);
  return std::nullopt;
}

// What to make and read for the store's model. A store trained class by
// class scores with Fisher alone (effective_params), which reads no
// weight-only key: a local store's delivery reads its totals first, makes
// no byte n-gram (~1,500 keys a message, 0.15-0.2 ms of `mailroom score`)
// nor bigram key (~1,000: counted, not made, TokenLimits::bigram_keys)
// and looks up no weight. The words are those of a full scoring (n-grams
// do not count against max_tokens, and the bigrams that do are still
// counted), so the verdict is the same. A Redis store is not asked twice (a
// round trip).
struct FeaturePlan {
  ModelParams params;
  bool weights = true;  // look up the weight-only keys
};
FeaturePlan feature_plan(const ScoreInput& in) {
  FeaturePlan plan{in.params};
  if (!in.store->local()) return plan;
  auto totals = in.store->read({}, 0);
  if (totals && effective_params(in.params, totals->totals).logistic_weight == 0.0) {
    plan.params.limits.char_ngram = 0;
    plan.params.limits.bigram_keys = false;
    plan.weights = false;
  }
  return plan;
}

// The classifier's band, or why it was not asked.
std::optional<Hit> classifier_hit(const ScoreInput& in, const Weights& table, SpamVerdict& out,
                                  detail::DecodedParts& decoded) {
  if (in.store == nullptr) {
    out.note = "rules only: " + (in.store_note.empty() ? "no token store" : in.store_note);
    return std::nullopt;
  }
  const FeaturePlan plan = feature_plan(in);
  const MessageFeatures features = scoring_features(in.message, plan.params, decoded);
  const std::span<const std::uint64_t> keys(features.keys);
  auto snap = in.store->read(plan.weights ? keys : keys.first(features.counted), features.counted);
  if (!snap) {
    out.note = "rules only: token store not read: " + snap.error().message;
    return std::nullopt;
  }
  snap->records.resize(features.keys.size());
  const Verdict v = verdict(classify(features, *snap, in.params), snap->totals, in.params);
  if (!v.trained) {
    out.note = "rules only: the classifier is not trained (" + std::to_string(snap->totals.spam) +
               " spam, " + std::to_string(snap->totals.ham) + " ham learnt, " +
               std::to_string(in.params.min_learnt) + " of each needed)";
    return std::nullopt;
  }
  out.classifier_used = true;
  const double margin =
      v.classifier.combined - effective_params(in.params, snap->totals).spam_cutoff;
  // printf("%+.2f") without printf's floating-point code (decimal.hpp).
  std::string found = std::signbit(margin) ? "margin " : "margin +";
  append_fixed(found, margin, 2);
  return make_hit(table, bayes_band(margin), found);
}

std::vector<Hit> rule_hits(const RuleInput& input, const Weights& table,
                           detail::DecodedParts& decoded) {
  std::vector<Hit> hits;
  for (const auto& name : rules::auth_symbols(input.message, input.auth))
    hits.push_back(make_hit(table, name, ""));
  for (const auto& name : rules::header_symbols(input.message, input.now))
    hits.push_back(make_hit(table, name, ""));
  for (const auto& [name, found] : rules::content_symbols(input.message, decoded))
    hits.push_back(make_hit(table, name, found));
  suppress_forwarding(hits, input);
  return hits;
}

SpamVerdict score(const ScoreInput& in) {
  const Weights table(in.table);  // nullptr: the built-in entries
  SpamVerdict out;
  out.required = in.required;
  const std::int64_t now = in.now != 0 ? in.now : clock_now();
  // The text parts decoded once, for the content rules and the tokenizer.
  detail::DecodedParts decoded(in.message);
  out.hits = rule_hits(RuleInput{in.message, in.auth, now, in.trusted_arc_sealers}, table, decoded);
  if (auto hit = classifier_hit(in, table, out, decoded)) out.hits.push_back(std::move(*hit));
  const auto listed = list_hit(in, table);
  if (listed) out.hits.insert(out.hits.begin(), *listed);
  for (const Hit& hit : out.hits) out.score += hit.weight;
  // Summing tenths leaves 4.9999999999 where the table says 5.0: the score
  // is the sum to a millionth, so SCL >= 5 exactly when it reads >= 5.0.
  out.score = std::round(out.score * 1e6) / 1e6;
  out.scl = scl_for(out.score, in.required);
  if (listed && listed->name == "BLOCK_LISTED") out.scl = 9;
  if (listed && listed->name == "ALLOW_LISTED") out.scl = -1;
  return out;
}

}  // namespace

std::vector<Hit> evaluate_rules(const RuleInput& input, const RuleTable& table) {
  detail::DecodedParts decoded(input.message);
  return rule_hits(input, Weights(&table), decoded);
}

std::string_view bayes_band(double margin) noexcept {
  if (margin < -6.0) return "BAYES_00";
  if (margin < -3.0) return "BAYES_05";
  if (margin < -1.5) return "BAYES_20";
  if (margin < 0.0) return "BAYES_50";
  if (margin < 1.5) return "BAYES_80";
  if (margin < 3.0) return "BAYES_95";
  return "BAYES_99";
}

int scl_for(double score, double required) noexcept {
  if (!(required > 0.0)) required = 5.0;
  const double scaled = score * 5.0 / required;
  if (!(scaled >= 0.0)) return 0;  // negative, or NaN
  return scaled >= 9.0 ? 9 : static_cast<int>(std::floor(scaled));
}

SpamVerdict score_message(const ScoreInput& input) noexcept {
  try {
    return score(input);
  } catch (...) {
    // Out of memory, in practice: no verdict beats a failed delivery.
    SpamVerdict out;
    out.required = input.required;
    out.note = "not scored: internal error";
    return out;
  }
}

int spamtest_level(const SpamVerdict& v) noexcept { return std::clamp(v.scl + 1, 1, 10); }

int spamtest_percent(const SpamVerdict& v) noexcept {
  if (v.scl < 0) return 0;
  if (v.scl == 9 && !(v.score >= v.required)) return 100;  // block-listed
  const double required = v.required > 0.0 ? v.required : 5.0;
  // Pigeonhole's scale (sieve_spamtest_max_value = 9), on the score as if
  // the required score were 5.0: 100 % at SCL 9.
  const double percent = std::floor(v.score * 5.0 / required * 100.0 / 9.0);
  if (!(percent > 0.0)) return 0;
  return percent >= 100.0 ? 100 : static_cast<int>(percent);
}

}  // namespace mailroom::spam
