// Running a compiled Sieve script against one message (RFC 5228 §2.10).
#pragma once

#include <cstddef>
#include <ctime>
#include <functional>
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

struct RunOptions {
  RunLimits limits;
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
  // The clock of date/currentdate and the stores; unset, the system's.
  std::optional<std::time_t> now;
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
};

// RFC 8579 special_use_folder from a fixed mapping of "ATTRIBUTE=FOLDER"
// entries (maildir.special_use): the first folder named for the attribute
// (compared without case, as IMAP flags are) for which `exists` says yes.
[[nodiscard]] std::function<std::optional<std::string>(std::string_view)> special_use_map(
    std::vector<std::string> mapping, std::function<bool(std::string_view)> exists);

[[nodiscard]] Outcome run(const Program& program, const message::Message& message,
                          const Envelope& envelope, const RunOptions& options = {});

}  // namespace mailroom::sieve
