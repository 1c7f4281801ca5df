// Compiling a Sieve script: parse (RFC 5228 §8), then validate against the
// commands, tests, tags and extensions we implement, into a Program.
#pragma once

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

}  // namespace mailroom::sieve
