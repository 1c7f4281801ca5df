// The delivery pipeline's one entry point (DESIGN.md, "One message, end to
// end"): the CLI fills a Request from argv, calls deliver(), and exits with
// the Outcome's code. Nothing thrown crosses this boundary.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "mailroom/deliver/recipient.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::deliver {

// What the MTA told us on the command line (dovecot-lda compatible flags).
// Empty optionals fall back to the MTA's environment (envelope.cpp).
struct Request {
  std::optional<std::string> user;                // -d
  std::optional<std::string> sender;              // -f
  std::optional<std::string> original_recipient;  // -a
  std::optional<std::string> final_recipient;     // -r
  std::optional<std::string> folder;              // -m ("" is ignored: -m ${extension})
  bool reject_to_stderr = false;                  // -e
  std::optional<std::string> input_path;          // -p, else stdin
  std::optional<std::string> client_address;      // --client-address ("" = not known)
  std::optional<std::string> client_helo;         // --client-helo
  bool from_line = true;  // false: the input has no mbox From_ line to take (LMTP)
  // The process started as root and dropped to the user before this
  // delivery (mailroom lmtp's per-uid worker): global Sieve scripts must be
  // root's, as when running as root.
  bool dropped_from_root = false;
  // `user` as the caller looked it up, as root, a moment before (mailroom
  // lmtp, at RCPT TO): deliver takes it rather than look `user` up again.
  // A worker that already runs as the user could not read a root-only
  // users.virtual_file, and the second lookup was 10 system calls.
  std::optional<MailUser> looked_up;
  // The message itself, held by the caller (mailroom lmtp's worker): read
  // from here rather than from stdin or input_path.
  std::optional<std::string_view> input_bytes;
};

// How long the stages of one delivery took, for `mailroom lmtp`'s
// per-stage latency counters; nullopt: the stage did not run (refused
// before it, or turned off). `store` is the Maildir write with its fsyncs,
// every copy of the message together.
struct StageTimes {
  std::optional<std::chrono::microseconds> authentication;
  std::optional<std::chrono::microseconds> spam;
  std::optional<std::chrono::microseconds> sieve;
  std::optional<std::chrono::microseconds> store;
};

struct Outcome {
  int exit_code = 0;             // sysexits: 0, 64, 65, 67, 75, 77
  std::string reason;            // one line for the MTA's log (stderr); empty when delivered
  std::string_view status = {};  // RFC 3463 enhanced status code, "" when delivered
  StageTimes stages = {};
};

[[nodiscard]] Outcome deliver(const Request& request, const Config& config) noexcept;

// The process hygiene of a delivery, before anything is read (not even the
// configuration): refuses a setuid or setgid start (real and effective ids
// differ: Postfix's programs do the same) with 75, ignores SIGPIPE (a closed
// stderr must not kill a delivery, least of all after the link), and arms
// the deadline with its default so that a hung configuration path cannot
// hang the MTA. nullopt: go on.
[[nodiscard]] std::optional<Outcome> prepare_process() noexcept;

// Re-arms the deadline (-o deliver.deadline=... before the configuration is
// read; deliver() arms the configured one).
void arm_deadline(std::chrono::seconds deadline) noexcept;

// What the MTA reads first: "<enhanced status> mailroom: <reason>".
[[nodiscard]] std::string outcome_line(const Outcome& outcome);

}  // namespace mailroom::deliver
