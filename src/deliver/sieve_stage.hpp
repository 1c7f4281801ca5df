// The "Sieve" stage of the pipeline (DESIGN.md, issue 13): between
// authentication and the Maildir write, the global "before" scripts, the
// user's active script and the global "after" scripts run on the message
// as it will be stored, and their actions become the targets (folders and
// flags), the redirects, a refusal or a discard. A script that fails never
// loses mail: its implicit keep goes to INBOX.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "deliver/envelope.hpp"
#include "deliver/store.hpp"
#include "deliver/users.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/action.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// One script of the sequence. `refused` says why it must not run (a user
// script whose symbolic link leaves the home): an error, as a broken script.
struct ScriptFile {
  std::string path;
  std::string refused = {};
};

// The scripts for `user`, in order: sieve.before, sieve.script, sieve.after.
// A directory stands for its *.sieve files in byte order of their names
// (as Pigeonhole's sieve_before). When `as_root`, each global entry must
// pass check_trusted_path(): one that does not, or is missing, fails the
// delivery with ErrorKind::config (exit 75, 4.3.5), as Dovecot does: a
// policy script skipped silently could misfile mail. A missing user script
// is simply not listed.
[[nodiscard]] Result<std::vector<ScriptFile>> find_scripts(const SieveConfig& config,
                                                           const MailUser& user, bool as_root);

// What one script decided.
struct ScriptRun {
  std::string path;
  sieve::Outcome outcome;  // with `error`: only the implicit keep
};

// A script read (as the user: the caller has dropped privileges) and
// compiled, from its compiled form when that is current (sieve/binary.hpp);
// or, without a program, the outcome of its failure (the implicit keep).
struct LoadedScript {
  std::string path;
  std::optional<sieve::Program> program;
  sieve::Outcome failed;
};

[[nodiscard]] std::vector<LoadedScript> load_scripts(const std::vector<ScriptFile>& scripts);

// Whether any of the scripts may read the message's body (sieve/needs.hpp).
[[nodiscard]] bool scripts_read_body(const std::vector<LoadedScript>& scripts);

// Runs the scripts in order. draft-degener-sieve-multiscript-00: each
// script starts afresh; the next one runs only while the implicit keep is
// still in effect at the end of this one (an explicit keep, fileinto,
// redirect or discard ends the sequence); `stop` ends only its own script.
// An error ends the sequence too. A script that edited the header
// (RFC 5293) hands the edited message to the scripts after it.
[[nodiscard]] std::vector<ScriptRun> run_loaded(const std::vector<LoadedScript>& scripts,
                                                const message::Message& message,
                                                const sieve::Envelope& envelope,
                                                const sieve::RunOptions& options);
// load_scripts, then run_loaded.
[[nodiscard]] std::vector<ScriptRun> run_scripts(const std::vector<ScriptFile>& scripts,
                                                 const message::Message& message,
                                                 const sieve::Envelope& envelope,
                                                 const sieve::RunOptions& options);

struct Redirect {
  std::string address;
  std::string why;  // "script:line"
};

// vacation and notify (RFC 5230, RFC 5435): sent after the delivery.
struct SendRequest {
  sieve::Action action;
  std::string why;  // "vacation at script:line"
};

// The actions of every run, as the pipeline carries them out.
struct SieveDecision {
  std::vector<SendRequest> sends;
  std::vector<sieve::DuplicateMark> duplicates;  // RFC 7352 §3.1: recorded once delivered
  std::vector<Target> targets;
  std::vector<Redirect> redirects;
  std::optional<std::string> reject;  // reject/ereject: the reason for the sender
  std::string reject_why;
  bool discarded = false;  // discard, and nothing else kept
  std::string discard_why;
  std::vector<std::string> errors;  // "script:line:col: kind: message"
  // The message after the scripts' header edits (RFC 5293); unset: none.
  std::optional<std::string> message;
};

// RFC 6609 include: sieve.include_dir (~ and %u expanded; none for a
// virtual user without a home) and sieve.global_dir. When `as_root`, the
// global directory must pass check_trusted_path() as sieve.before does; one
// that does not is not used (its includes fail, the message is kept) and
// the reason is returned for the log, else "".
[[nodiscard]] std::string set_include_dirs(const SieveConfig& config, const MailUser& user,
                                           bool as_root, sieve::RunOptions& options);

// Where keep goes: -m, else deliver.default_folder (dovecot-lda's -m).
struct KeepFolder {
  std::string folder;
  std::string why;  // "-m Lists", "default folder"
};

// Turns the runs into targets. keep (explicit or the final implicit one)
// goes to `keep`; after an error the implicit keep goes to INBOX instead;
// keep and fileinto "INBOX" are one copy (Store::save). imap4flags system
// flags become Maildir letters, other flags keywords.
[[nodiscard]] SieveDecision decide(const std::vector<ScriptRun>& runs, const KeepFolder& keep);

// RFC 5232 flags -> Maildir info letters ("\\Seen" -> S) and keywords.
void split_flags(const std::vector<std::string>& flags, std::string& letters,
                 std::vector<std::string>& keywords);

// Why no script ran, for the log: "none (no /home/bob/.dovecot.sieve)".
[[nodiscard]] std::string no_scripts_text(const SieveConfig& config, const MailUser& user);

// "script1,script2" for the log.
[[nodiscard]] std::string scripts_text(const std::vector<ScriptRun>& runs);

// Appends each error to the user's sieve.log (sieve.log, bounded by
// sieve.log_max_size: the full log moves to <log>.old). Never fails: a log
// that cannot be written is reported in the system log.
void log_script_errors(const SieveConfig& config, const MailUser& user,
                       const std::vector<std::string>& errors);

// The field the stage adds when sieve.trusted_spam_header is set and the
// message has it: "X-Mailroom-Spam-Score: N\n" (N the integer part of a
// number, or the count of '*' of a SpamAssassin X-Spam-Level), else "".
[[nodiscard]] std::string spam_score_field(const message::Message& message,
                                           const std::string& trusted_header);

// What RunOptions learns from this delivery: the environment items
// (RFC 5183: host, domain, remote-ip, remote-host) and the lists directory
// (RFC 6134, sieve.lists_dir with ~ and %u expanded). The spam verdict
// (RFC 5235) is the pipeline's: trusted_spam_score of the message as it
// arrived (sieve::spam_verdict maps it), else the spam stage's.
void set_sieve_context(const SieveConfig& config, const MailUser& user, const Envelope& envelope,
                       sieve::RunOptions& options);

// The score of sieve.trusted_spam_header in `message`: a number, or the
// count of '*' of a SpamAssassin X-Spam-Level; nullopt when not trusted,
// absent or unreadable.
[[nodiscard]] std::optional<double> trusted_spam_score(const message::Message& message,
                                                       const std::string& trusted_header);

// In the text scripts see (added fields first, `ours` bytes long), an
// incoming X-Mailroom-Spam-Score field is renamed X-Mailroom-Forged-Spam-Score:
// only this delivery writes that name.
void hide_forged_spam_score(std::string& text, std::size_t ours);

// redirect (RFC 5228 §4.2) through sieve.sendmail: `on_top` (the ARC set
// of prepare_outgoing(), outgoing.hpp), our trace field
// X-Mailroom-Redirected: <recipient>, then `body`: the message as it came,
// with Authentication-Results fields forged in our name renamed (RFC 8601
// §5: a relay must not pass them on). Refused (ErrorKind::rejected, ELOOP)
// when the message already carries our field for this recipient: it has
// been round this loop before.
[[nodiscard]] Status send_redirect(const SieveConfig& config, const message::Message& message,
                                   const std::string& sender, const std::string& recipient,
                                   const std::string& address, std::string_view on_top,
                                   std::string_view body);

}  // namespace mailroom::deliver
