// What a Sieve script decided: a plain list of actions that the delivery
// pipeline carries out afterwards (RFC 5228 §2.10: actions are collected
// while the script runs and executed at the end).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/sieve/diagnostic.hpp"

namespace mailroom::sieve {

// reject and ereject (RFC 5429) refuse the message; the pipeline maps them
// to the MTA's refusal (exit 77 with the reason) or to a bounce.
// vacation (RFC 5230) and notify (RFC 5435) send a message; the pipeline
// decides at delivery whether it may (RFC 3834, the response store).
enum class ActionKind { keep, fileinto, redirect, discard, reject, ereject, vacation, notify };

std::string_view to_string(ActionKind kind) noexcept;

// RFC 8580 :fcc on vacation and notify: where a copy of what was sent goes.
struct Fcc {
  std::string folder;
  std::vector<std::string> flags;  // :flags (RFC 5232), when imap4flags is required
  bool create = false;             // :create (RFC 5490)
  std::string special_use;         // :specialuse (RFC 8579 §4.1), "" when not given
};

// vacation [:days/:seconds] [:subject] [:from] [:addresses] [:mime]
// [:handle] <reason> (RFC 5230 §4, RFC 6131); the reason is Action::reason.
struct Vacation {
  std::string subject;  // "" = "Auto: " and the original subject (§4.5)
  std::string from;     // "" = the recipient's address (§4.6)
  std::vector<std::string> addresses;
  std::string handle;                    // given, or the default built from the arguments (§4.2)
  std::uint64_t seconds = 7ULL * 86400;  // the response interval, clamped to the limits
  bool mime = false;                     // the reason is a MIME entity (§4.8)
};

// notify [:from] [:importance] [:options] [:message] <method> (RFC 5435
// §3); the method URI is Action::target.
struct Notify {
  std::string from;
  std::string importance = "2";  // 1 high, 2 normal, 3 low (§3.4)
  std::vector<std::string> options;
  std::string message;  // "" = not given: the method's default (§3.6)
};

struct Action {
  ActionKind kind = ActionKind::keep;
  std::string target;     // fileinto: folder; redirect: address; else ""
  bool copy = false;      // RFC 3894 :copy (did not cancel the implicit keep)
  bool implicit = false;  // the implicit keep (§2.10.2), not a `keep` command
  // keep/fileinto: IMAP flags and keywords to store with the copy (RFC 5232
  // imap4flags: "\\Seen", "$Junk"); empty when the script set none.
  std::vector<std::string> flags;
  bool create = false;      // fileinto :create (RFC 5490): make a missing folder
  std::string reason;       // reject/ereject: the text for the sender; vacation: the reason
  std::string special_use;  // fileinto :specialuse (RFC 8579 §4): the attribute asked for
  std::optional<Vacation> vacation;  // vacation only
  std::optional<Notify> notify;      // notify only
  std::optional<Fcc> fcc;            // vacation/notify :fcc (RFC 8580)
  Position position;                 // the command that asked for it; {0,0} for implicit keep
};

// A header edit of RFC 5293, in the order the script made it; `sieve test
// --json` lists them as addheader/deleteheader actions.
struct HeaderEdit {
  bool add = true;          // addheader, else deleteheader
  std::string field;        // the field name
  std::string value;        // addheader: the value as stored (RFC 2047 encoded)
  bool last = false;        // addheader :last
  std::size_t deleted = 0;  // deleteheader: how many fields it removed
  Position position;
};

// RFC 7352 §3.1: a unique id the duplicate test saw; the pipeline records
// it only once the message is delivered.
struct DuplicateMark {
  std::string key;            // handle and id, as the store keys it
  std::uint64_t seconds = 0;  // how long the record lives
  bool last = false;          // :last: a repeat renews the record
};

struct Outcome {
  std::vector<Action> actions;
  std::vector<DuplicateMark> duplicates;
  std::vector<HeaderEdit> edits;
  // The whole message after the edits (RFC 5293 §3: what is stored and
  // what later scripts see); unset when no edit changed it.
  std::optional<std::string> message;
  // A run-time error (§2.10.6): the script's actions are dropped and
  // `actions` holds only the implicit keep.
  std::optional<Diagnostic> error;
};

}  // namespace mailroom::sieve
