// What a Sieve script decided: a plain list of actions that the delivery
// pipeline carries out afterwards (RFC 5228 §2.10: actions are collected
// while the script runs and executed at the end).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/sieve/diagnostic.hpp"

namespace mailroom::sieve {

// reject and ereject (RFC 5429) refuse the message; the pipeline maps them
// to the MTA's refusal (exit 77 with the reason) or to a bounce.
enum class ActionKind { keep, fileinto, redirect, discard, reject, ereject };

std::string_view to_string(ActionKind kind) noexcept;

struct Action {
  ActionKind kind = ActionKind::keep;
  std::string target;     // fileinto: folder; redirect: address; else ""
  bool copy = false;      // RFC 3894 :copy (did not cancel the implicit keep)
  bool implicit = false;  // the implicit keep (§2.10.2), not a `keep` command
  // keep/fileinto: IMAP flags and keywords to store with the copy (RFC 5232
  // imap4flags: "\\Seen", "$Junk"); empty when the script set none.
  std::vector<std::string> flags;
  bool create = false;  // fileinto :create (RFC 5490): make a missing folder
  std::string reason;   // reject/ereject: the text for the sender
  Position position;    // the command that asked for it; {0,0} for implicit keep
};

struct Outcome {
  std::vector<Action> actions;
  // A run-time error (§2.10.6): the script's actions are dropped and
  // `actions` holds only the implicit keep.
  std::optional<Diagnostic> error;
};

}  // namespace mailroom::sieve
