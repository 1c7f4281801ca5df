// The pieces `mailroom sieve test`, `test --dir` and `filter` share: a
// script compiled once, run on one message after another.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::cli {

inline constexpr std::size_t kMaxSieveMessageSize = 256UL * 1024 * 1024;

struct LoadedScript {
  std::string path;
  std::optional<sieve::Program> program;           // compiled
  std::optional<sieve::Diagnostic> compile_error;  // or not: the first error
};

// Reads and compiles; nullopt (after a message on stderr, prefixed by
// `who`) when the file cannot be read.
std::optional<LoadedScript> load_script(const std::string& path, std::string_view who);

// Runs the script on the message bytes; a script that did not compile
// keeps the message (issue 13), with its error.
sieve::Outcome run_loaded(const LoadedScript& script, std::string raw,
                          const sieve::Envelope& envelope, const sieve::RunOptions& options);

void print_sieve_diagnostic(const std::string& file, const sieve::Diagnostic& d,
                            const char* severity = "error");

// `sieve test --dir CASES SCRIPT` (sieve_cases.cpp): exit 0 when every
// case came out as expected, 1 on a difference, 2 when unreadable. With
// `trace`, each failed case is followed by its trace.
int run_sieve_cases(const LoadedScript& script, const std::string& directory, bool trace);

// `sieve filter` (sieve_filter.cpp) and `sieve from-procmail`.
int sieve_filter(Args args);
int sieve_from_procmail(Args args);

}  // namespace mailroom::cli
