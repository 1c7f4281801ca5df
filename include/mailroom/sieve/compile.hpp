// Compiling a Sieve script: parse (RFC 5228 §8), then validate against the
// commands, tests, tags and extensions we implement, into a Program.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "mailroom/sieve/ast.hpp"
#include "mailroom/sieve/diagnostic.hpp"
#include "mailroom/sieve/parse.hpp"
#include "mailroom/sieve/program.hpp"

namespace mailroom::sieve {

// The capabilities `require` accepts (RFC 5228 §3.2), sorted.
const std::vector<std::string_view>& supported_capabilities();

// Every error found, in script order (validation goes on after the first
// one, so `mailroom sieve check` can list them all; parsing stops at one).
using CompileResult = tl::expected<Program, std::vector<Diagnostic>>;

[[nodiscard]] CompileResult validate(const Script& script, const Limits& limits = {});
[[nodiscard]] CompileResult compile(std::string_view text, const Limits& limits = {});

// RFC 6609 §3.2 checked when compiling (as ManageSieve's PUTSCRIPT may):
// each script `program` includes by a constant name is read from `personal`
// or `global` and compiled, and so on down; a missing one (without
// :optional), one that does not compile, a loop or more nesting than
// `max_depth` is a bad_include error at the include command. Names built
// from variables are left to run time. An empty directory skips its
// scripts (a dry run that was not told where they are).
[[nodiscard]] std::optional<Diagnostic> check_includes(const Program& program,
                                                       const std::string& personal,
                                                       const std::string& global,
                                                       std::size_t max_depth = 10);

}  // namespace mailroom::sieve
