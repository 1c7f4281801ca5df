// The "score" stage of the pipeline (DESIGN.md, issue 14): after
// authentication, before Sieve. The spam module's verdict over the
// message, the authentication results, the user's token store (opened
// read-only; missing, empty or unreadable: rules only, said in the log,
// never a failed delivery) and the allow/block lists; then the X-Spam-*
// fields for the stored copy, incoming ones renamed first.
#pragma once

#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deliver/envelope.hpp"
#include "deliver/users.hpp"
#include "mailroom/auth/authenticate.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/spam/verdict.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::deliver {

struct SpamStageResult {
  std::optional<spam::SpamVerdict> verdict;  // nullopt: spam.enabled is false
  std::string fields;                        // X-Spam-*, X-Mailroom-SCL; "" when off
  // "X-Mailroom-Spam-Score: <SCL>\n" (0 for -1: i;ascii-numeric reads
  // "-1" as infinity), what the shipped default-after.sieve reads; "" off.
  std::string score_field;
  // For the delivery log: "SCL 7 score=7.1 tests=A,B"; "off".
  std::string log_text;
  // Names that replaced incoming fields' names (pieces point into them).
  std::deque<std::string> renamed_names;
};

// What the spam rules need of the authentication results.
[[nodiscard]] spam::AuthFacts auth_facts(const auth::AuthResults& results, bool checked);

// The stage: never fails (the verdict says what was missing).
[[nodiscard]] SpamStageResult spam_stage(const Config& config, const MailUser& user,
                                         const message::Message& message,
                                         const auth::AuthResults& auth, const Envelope& envelope);

// Issue 14: X-Spam-* (and our own X-Mailroom-SCL, X-Mailroom-Spam-Score)
// fields that arrived with the message were written by someone we do not
// trust: each is renamed X-Mailroom-Forged-<name without "X-"/"X-Mailroom-">
// in the stored copy (its bytes kept, for a postmaster; no client rule or
// script reads it as ours). `keep` (sieve.trusted_spam_header) is left
// alone. `pieces` are the message's pieces; the renamed pieces are
// returned, their new names kept in `names`.
[[nodiscard]] std::vector<std::string_view> hide_incoming_spam_fields(
    const message::Message& message, std::span<const std::string_view> pieces,
    std::string_view keep, std::deque<std::string>& names);

}  // namespace mailroom::deliver
