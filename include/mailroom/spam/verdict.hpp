// The verdict of issue 14: rule symbols, the trained classifier's band and
// the allow/block lists summed into one score, a Spam Confidence Level and
// the symbols that fired; and the header fields that say so. One entry
// point, score_message(), for `deliver` and `mailroom score`: it returns a
// value and never throws (a store that cannot be read leaves rules only).
//
// SCL (Spam Confidence Level), with R = the required score (5.0 default):
//   -1   allow-listed (an authenticated sender on an allow list)
//   0-9  floor(score x 5 / R), clamped to 0..9; so with R = 5.0:
//        0-1 clean (score below 2), 2-4 suspect, 5-6 spam (Junk), 7-9
//        spam with high confidence; SCL >= 5 exactly when score >= R.
//   9    block-listed, whatever else was found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/spam/model.hpp"
#include "mailroom/spam/rules.hpp"
#include "mailroom/spam/store.hpp"

namespace mailroom::spam {

// Allow and block lists: addresses ("a@example.org") and domains
// ("example.org": that domain and every domain below it). Case does not
// matter.
struct SenderLists {
  std::vector<std::string> allow;
  std::vector<std::string> block;
};

// Lines "allow ENTRY" / "block ENTRY", '#' comments, blank lines (the
// user's ~/.mailroom/spam-lists). Unknown lines are errors naming the line.
[[nodiscard]] Result<SenderLists> parse_sender_lists(std::string_view text,
                                                     std::string_view source);

// Does `entry` of a list name `address` (local@domain)?
[[nodiscard]] bool list_matches(std::string_view entry, std::string_view address) noexcept;

struct ScoreInput {
  ScoreInput(const message::Message& m, AuthFacts a) : message(m), auth(std::move(a)) {}

  const message::Message& message;
  AuthFacts auth;
  std::string envelope_sender;       // block lists see it too; "" when unknown
  TokenStore* store = nullptr;       // nullptr: rules only
  std::string store_note;            // why there is no store, for the report
  const RuleTable* table = nullptr;  // nullptr: RuleTable::built_in()
  std::vector<SenderLists> lists;    // the user's first, then the global ones
  std::vector<std::string> trusted_arc_sealers;
  double required = 5.0;  // spam.required_score
  std::int64_t now = 0;   // seconds since the epoch; 0: the clock
  ModelParams params;
};

struct SpamVerdict {
  double score = 0.0;
  int scl = 0;
  double required = 5.0;
  std::vector<Hit> hits;  // in the order they fired; weight 0 when suppressed
  bool classifier_used = false;
  std::string note;  // "rules only: no store at ~/.mailroom/spam", "" normally
  [[nodiscard]] bool spam() const noexcept { return scl >= 5; }
  // SCL 2-4: not filed as spam, but within 3 points of it (with the default
  // required 5.0). X-Spam-Report says so and asks for a verdict: learning
  // it (Junk or $NotJunk over IMAP, `mailroom learn`) is "train on or near
  // error", which taught the classifier more than errors alone
  // (bench/spam-eval online, model.hpp ModelParams::unsure_band).
  [[nodiscard]] bool unsure() const noexcept { return scl >= 2 && scl <= 4; }
};

[[nodiscard]] SpamVerdict score_message(const ScoreInput& input) noexcept;

// SCL of a score (the mapping above), lists aside.
[[nodiscard]] int scl_for(double score, double required) noexcept;

// The classifier's band symbol for its margin (combined - spam_cutoff).
[[nodiscard]] std::string_view bayes_band(double margin) noexcept;

// The fields deliver writes, each "Name: value\n", folded below 78
// columns where long; message text in them is cut to printable ASCII:
// X-Spam-Flag (YES when spam), X-Spam-Score, X-Spam-Level (one '*' per
// whole point), X-Spam-Status ("Yes, score=7.1 required=5.0 tests=A,B
// autolearn=no", SpamAssassin's form), X-Mailroom-SCL, X-Spam-Report
// (one line per symbol: weight, name, reason; then, for an unsure verdict,
// a line that says so).
[[nodiscard]] std::string verdict_fields(const SpamVerdict& v);

// "A,B" - the names of the symbols that fired, weight 0 ones included.
[[nodiscard]] std::string symbol_list(const SpamVerdict& v);

// One line per symbol: "  3.0 ATTACH_EXECUTABLE an attachment is ... (x.exe)".
[[nodiscard]] std::vector<std::string> report_lines(const SpamVerdict& v);

// RFC 5235 spamtest: level 1..10 (SCL + 1; allow-listed counts as 1) and
// spamtestplus :percent 0..100 (floor(score x 5 / required x 100 / 9),
// clamped: Pigeonhole's scale with sieve_spamtest_max_value = 9, as the
// Sieve module maps a trusted upstream score).
[[nodiscard]] int spamtest_level(const SpamVerdict& v) noexcept;
[[nodiscard]] int spamtest_percent(const SpamVerdict& v) noexcept;

}  // namespace mailroom::spam
