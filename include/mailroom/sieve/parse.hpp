// Parsing a Sieve script into its syntax tree (RFC 5228 §8). Never throws:
// PEGTL's exceptions stop at this edge and come back as a Diagnostic.
#pragma once

#include <cstddef>
#include <string_view>

#include <tl/expected.hpp>

#include "mailroom/sieve/ast.hpp"
#include "mailroom/sieve/diagnostic.hpp"

namespace mailroom::sieve {

// Enforced while parsing, not after (STYLE.md, "Untrusted input").
struct Limits {
  std::size_t max_script_size = std::size_t{1024} * 1024;  // bytes, as sieve-rs
  std::size_t max_nesting = 32;                            // blocks and tests, as Pigeonhole's 32
  std::size_t max_string_length = std::size_t{64} * 1024;  // one string after unescaping
  std::size_t max_commands = 10000;                        // commands and tests together
  std::size_t max_list_items = 1000;                       // strings in one string list
  std::size_t max_variables = 255;  // distinct names set (RFC 5229 §3), as Pigeonhole's
};

template <class T>
using Compiled = tl::expected<T, Diagnostic>;

[[nodiscard]] Compiled<Script> parse_script(std::string_view text, const Limits& limits = {});

}  // namespace mailroom::sieve
