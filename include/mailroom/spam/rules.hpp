// Rule signals (issue 14): named symbols, each a function over the parsed
// message and what authentication found, with a weight and a reason in
// words from a readable table (rules/spam-rules.toml, compiled in; the
// config's spam.rules file may replace entries). The spam module does not
// see the auth module: deliver fills AuthFacts from its AuthResults, so the
// rules are tested with hand-made facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::spam {

// What authentication found, as the rules need it.
struct AuthFacts {
  enum class Spf : std::uint8_t { none, pass, fail, softfail, neutral, error };
  enum class Dmarc : std::uint8_t { none, pass, fail, error };
  enum class Policy : std::uint8_t { none, quarantine, reject };
  enum class Arc : std::uint8_t { none, pass, fail };

  bool checked = false;                // false: authentication was off, no auth rule fires
  Spf spf = Spf::none;                 // for the envelope sender (or HELO)
  std::string spf_domain;              // the domain SPF was about
  std::vector<std::string> dkim_pass;  // d= of every passing signature
  bool dkim_failed = false;            // some signature failed (fail, policy, permerror)
  Dmarc dmarc = Dmarc::none;
  Policy published = Policy::none;  // p= / sp= governing the From domain
  bool dmarc_spf_aligned = false;   // DMARC found SPF pass for an aligned domain
  bool dmarc_dkim_aligned = false;  // DMARC found DKIM pass for an aligned d=
  Arc arc = Arc::none;
  std::vector<std::string> arc_sealers;  // d= of each ARC-Seal, oldest first
};

// One symbol that fired: the table's weight (0 when suppressed) and the
// reason, with what was found ("bit.ly") when there is something to name.
struct Hit {
  std::string name;
  double weight = 0.0;
  std::string reason;
};

// The table: symbol -> weight and reason.
struct RuleEntry {
  std::string name;
  double weight = 0.0;
  std::string reason;
};

class RuleTable {
 public:
  // The table compiled from rules/spam-rules.toml, and that file's text.
  static const RuleTable& built_in();
  static std::string_view built_in_text() noexcept;
  // TOML text in that format; every name must be a known symbol.
  [[nodiscard]] static Result<RuleTable> parse(std::string_view text, std::string_view source);
  // This table with the entries of `text` (spam.rules) replacing its own.
  [[nodiscard]] Result<RuleTable> with_overrides(std::string_view text,
                                                 std::string_view source) const;

  [[nodiscard]] const RuleEntry* find(std::string_view name) const noexcept;
  [[nodiscard]] const std::vector<RuleEntry>& entries() const noexcept { return entries_; }

 private:
  std::vector<RuleEntry> entries_;
};

// The built-in table with the entries of the file at `path` (spam.rules)
// replacing its own; the built-in table alone when `path` is empty.
// ErrorKind::config names the file (and line) when it cannot be used.
[[nodiscard]] Result<RuleTable> load_rule_table(const std::string& path);

// Every symbol the code can fire, in table order.
[[nodiscard]] const std::vector<std::string_view>& known_symbols();

struct RuleInput {
  const message::Message& message;
  const AuthFacts& auth;
  // When the message arrived (seconds since the epoch): the topmost
  // Received field's date if readable, else this.
  std::int64_t now = 0;
  // ARC sealers whose passing chain vouches for forwarded mail.
  const std::vector<std::string>& trusted_arc_sealers;
};

// The rule symbols that fire, weights and reasons from `table`. Forwarded
// mail (issue 14): with an aligned DKIM pass, SPF_FAIL/SPF_SOFTFAIL weigh
// 0; with a passing ARC chain sealed by a trusted sealer, every
// authentication symbol weighs 0. Suppressed hits stay listed, with why.
[[nodiscard]] std::vector<Hit> evaluate_rules(const RuleInput& input, const RuleTable& table);

// The pieces, each tested on its own (tests assert symbols).
namespace rules {
[[nodiscard]] std::vector<std::string> auth_symbols(const message::Message& m, const AuthFacts& a);
[[nodiscard]] std::vector<std::string> header_symbols(const message::Message& m, std::int64_t now);
// (symbol, what was found) pairs; what was found may be "".
[[nodiscard]] std::vector<std::pair<std::string, std::string>> content_symbols(
    const message::Message& m);
// The From domain, lower case, "" when there is none.
[[nodiscard]] std::string from_domain(const message::Message& m);
// True when `domain` equals `other` or is below it, or the reverse
// (relaxed alignment without a suffix list: "mail.example.org" and
// "example.org" align, "example.org" and "org" would too, which the
// callers never ask).
[[nodiscard]] bool related_domains(std::string_view domain, std::string_view other) noexcept;
// DMARC pass, or an SPF/DKIM pass aligned with the From domain.
[[nodiscard]] bool from_authenticated(const message::Message& m, const AuthFacts& a);
// An aligned DKIM pass (forwarding keeps it where SPF breaks).
[[nodiscard]] bool dkim_aligned(const message::Message& m, const AuthFacts& a);
// A passing ARC chain whose newest sealer is trusted.
[[nodiscard]] bool trusted_arc(const AuthFacts& a, const std::vector<std::string>& trusted);
// Seconds since the epoch of the topmost Received field's date; nullopt
// when there is none or it cannot be read.
[[nodiscard]] std::optional<std::int64_t> arrival_time(const message::Message& m);
}  // namespace rules

}  // namespace mailroom::spam
