// The plain TOML that configuration files are written in, read without
// toml++: `deliver` loads its configuration once per message, and toml++
// took 60 K instructions for a 7-key file, 8 % of a delivery (callgrind).
// Private to src/util (config.cpp); toml++ is used with exceptions off.
#pragma once

#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>
#include <optional>
#include <string_view>

namespace mailroom::config_plain {

// The table toml++ would read from `text`, when `text` holds only: blank
// lines, comments, [section] headers (bare names, each once) and, under a
// section, bare keys (each once) = a basic string without escapes, a
// decimal integer, a decimal fraction, true, false, or a one-line array of
// such strings; ASCII only, LF or CRLF line ends. nullopt for anything
// else, valid TOML or not: toml++ reads it then, and reports its errors.
[[nodiscard]] std::optional<toml::table> parse(std::string_view text);

}  // namespace mailroom::config_plain
