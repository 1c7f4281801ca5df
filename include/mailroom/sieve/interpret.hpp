// Running a compiled Sieve script against one message (RFC 5228 §2.10).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/sieve/action.hpp"
#include "mailroom/sieve/program.hpp"
#include "mailroom/sieve/trace.hpp"

namespace mailroom::sieve {

// The SMTP envelope as the MTA gave it (§5.4). An empty `from` is the null
// reverse-path "<>". `to` is the recipient this delivery is for, as the
// MTA received it (Pigeonhole's "original recipient").
struct Envelope {
  std::string from;
  std::string to;
};

// Run-time limits; hitting one is a run-time error (implicit keep).
struct RunLimits {
  std::size_t max_actions = 32;    // as Pigeonhole's sieve_max_actions
  std::size_t max_redirects = 4;   // as Pigeonhole's sieve_max_redirects
  std::size_t max_steps = 100000;  // commands and tests evaluated (CPU bound)
  // RFC 5229 §3: a longer value is cut (at a UTF-8 boundary), as
  // Pigeonhole's sieve_variables_max_variable_size.
  std::size_t max_variable_size = 4096;
  // RFC 6609 §3.2 include: nesting and the scripts one run may include,
  // as Pigeonhole's sieve_include_max_nesting_depth and _max_includes.
  std::size_t max_include_depth = 10;
  std::size_t max_includes = 255;
  // RFC 5293 addheader: the longest value, as Pigeonhole's
  // sieve_editheader_max_header_size.
  std::size_t max_header_value = 2048;
};

// RFC 5235: the spam/virus verdict of this delivery. Unset: not tested (spamtest answers 0).
struct TestVerdict {
  int level = 0;    // spamtest 1..10 / virustest 1..5
  int percent = 0;  // spamtestplus :percent 0..100
};

class RegexCache;  // sieve/regex.hpp

// A cache for RunOptions::regex_cache.
[[nodiscard]] std::shared_ptr<RegexCache> make_regex_cache();

struct RunOptions {
  RunLimits limits;
  // :regex patterns compiled by earlier runs. A caller that runs many
  // messages (sieve filter, bench/sieve) keeps one, so that each pattern is
  // compiled once, not once a message: compiling is what a regex rule
  // costs. Unset: each run compiles its own (one message a process).
  std::shared_ptr<RegexCache> regex_cache;
  // RFC 5233 subaddress: the characters that separate user and detail in a
  // local part; the first one found splits it ("user+detail").
  std::string detail_separators = "+";
  // RFC 5490 §3.1 mailboxexists: does this folder exist, and may the user
  // deliver into it? The pipeline asks the store; INBOX always exists.
  // Unset, every other folder is missing.
  std::function<bool(std::string_view)> mailbox_exists;
  // `sieve test --trace`: called for every test evaluated and command run.
  TraceSink trace;
  // RFC 7352 duplicate: is this key (handle and unique id) recorded and
  // not yet expired? Unset, nothing is a duplicate. The run never writes:
  // the pipeline records Outcome::duplicates after the delivery.
  std::function<bool(std::string_view key)> duplicate_seen;
  // RFC 8579: the existing folder that carries a special-use attribute
  // ("\\Junk"), or nullopt. Unset, none does.
  std::function<std::optional<std::string>(std::string_view)> special_use_folder;
  // RFC 6609 §3.2: where include finds NAME.sieve, :personal and :global.
  // Empty: such an include fails (a run-time error unless :optional).
  std::string personal_dir;
  std::string global_dir;
  // The size the size test sees (RFC 5228 §5.9), when the message handed
  // to run() is not all of it (the pipeline's header-only copy, needs.hpp).
  std::optional<std::size_t> message_size;
  // RFC 5183 environment: the items that depend on where the script runs
  // ("location" "MDA", "name" "mailroom", "phase" "during" and "version"
  // are fixed). Empty: the item does not exist (the test is false).
  struct EnvironmentItems {
    std::string domain;       // the host's DNS domain
    std::string host;         // the host's name
    std::string remote_host;  // the SMTP client, when the MTA told us
    std::string remote_ip;
  };
  EnvironmentItems environment;
  // The clock of the run: RFC 5260 currentdate and the local zone of date
  // (and of the stores). Unset: the system clock and the system's zone.
  struct Clock {
    std::int64_t unix_time = 0;  // seconds since the epoch, UTC
    int zone_minutes = 0;        // the local zone, east of UTC
  };
  std::optional<Clock> now;
  // RFC 5235: the spam/virus verdict of this delivery. Unset: not tested (spamtest answers 0).
  using TestVerdict = sieve::TestVerdict;
  std::optional<TestVerdict> spam;
  std::optional<TestVerdict> virus;
  // RFC 6134 extlists: the directory holding the lists, one file per
  // list ("tag:friends" is <lists_dir>/friends). Empty: no list exists.
  std::string lists_dir;
};

// RFC 5235 from a spam score (SpamAssassin points): the SpamAssassin
// confidence level SCL is the score's integer part, held to 0..9; spamtest
// answers SCL + 1 (1 = not spam .. 10 = spam, §3.2) and spamtestplus
// :percent floor(score * 100 / 9), held to 0..100. This is Pigeonhole's
// scale with sieve_spamtest_max_value = 9.
[[nodiscard]] int spam_confidence_level(double score) noexcept;
[[nodiscard]] TestVerdict spam_verdict(double score) noexcept;

// RFC 8579 special_use_folder from a fixed mapping of "ATTRIBUTE=FOLDER"
// entries (maildir.special_use): the first folder named for the attribute
// (compared without case, as IMAP flags are) for which `exists` says yes.
[[nodiscard]] std::function<std::optional<std::string>(std::string_view)> special_use_map(
    std::vector<std::string> mapping, std::function<bool(std::string_view)> exists);

[[nodiscard]] Outcome run(const Program& program, const message::Message& message,
                          const Envelope& envelope, const RunOptions& options = {});

}  // namespace mailroom::sieve
