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

// What parse() reads, handed over a line at a time instead of built into a
// table: `deliver` applies each key as it comes (the table's nodes, keys
// and map were most of parse()'s instructions).
class Sink {
 public:
  virtual ~Sink() = default;
  // A [section] header; false stops the reading.
  virtual bool section(std::string_view name) = 0;
  // key = value under the last section; false stops the reading.
  virtual bool value(std::string_view key, const toml::node& value) = 0;
};

// True when `text` is plain (as parse() takes it: no section or key twice)
// and `sink` took every section and key, in file order; false as soon as
// either is not so (the sink may have taken a part by then).
[[nodiscard]] bool parse_each(std::string_view text, Sink& sink);

}  // namespace mailroom::config_plain
