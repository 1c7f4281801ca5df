// The options of `mailroom sieve test` that set what a delivery would
// give the script: the clock (--date, RFC 5260), the spam and virus
// verdicts (--spam-score, --virus-level, RFC 5235), the lists (--lists-dir,
// RFC 6134) and the SMTP client (--remote-ip, --remote-host, RFC 5183).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::cli {

// The option at args[i] when it is one of these (i moves past its value):
// nullopt when it is not, "" when taken, else what is wrong with it.
std::optional<std::string> take_run_option(Args args, std::size_t& i, sieve::RunOptions& options);

// "Mon, 7 Dec 2026 12:00:00 +0100" (RFC 5322) or "2026-12-07T12:00:00+01:00"
// (ISO 8601; without a zone, UTC; a date alone is its midnight): the
// moment and its zone, which is then the local zone of the run.
std::optional<sieve::RunOptions::Clock> parse_clock(std::string_view text);

}  // namespace mailroom::cli
