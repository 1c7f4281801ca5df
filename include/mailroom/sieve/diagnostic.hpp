// Sieve errors as values (STYLE.md: typed, with line and column, never a
// bare string). Parsing, validation and running all report through this.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailroom::sieve {

// Where in the script: 1-based line, 1-based column counted in bytes.
struct Position {
  std::size_t line = 1;
  std::size_t column = 1;
};

enum class DiagnosticKind {
  // parse (RFC 5228 §8 grammar)
  syntax,  // the text does not follow the grammar
  limit,   // a Limits value was exceeded while parsing or running
  // validation (RFC 5228 §2.9-§5, RFC 4790, RFC 3894)
  unknown_command,
  unknown_test,
  unknown_extension,       // require names a capability we do not have
  missing_require,         // an extension used without require (§3.2)
  misplaced_require,       // require after another command (§3.2)
  misplaced_command,       // elsif/else without if (§3.1)
  bad_arguments,           // wrong number or type of positional arguments
  unknown_tag,             // a tagged argument this command does not take
  duplicate_tag,           // a tag, or two of one group (match types), twice
  unknown_comparator,      // §2.7.3
  unsupported_match_type,  // comparator cannot do this match type (RFC 4790 §4.2)
  bad_header_name,         // not an address field (error); not a field name (warning)
  bad_envelope_part,       // §5.4: only "from" and "to" are known
  bad_address,             // redirect to something that is not an address (§4.2)
  bad_encoded_character,   // ${unicode:} outside Unicode scalar values (§2.4.2.4)
  bad_variable,            // RFC 5229: set to an invalid name or a match variable
  unknown_namespace,       // RFC 5229 §3: ${ns.name} with no extension for "ns"
  bad_flag,                // RFC 5232 §3: not an IMAP flag (a warning; it is ignored)
  bad_include,             // RFC 6609 §3.2: an included script missing, broken or a loop
  bad_date_part,           // RFC 5260 §4.2: not a date-part
  bad_zone,                // RFC 5260 §4.1: :zone is not "+hhmm" / "-hhmm"
  bad_regex,               // regex draft §3: the pattern does not compile
  unknown_list,            // RFC 6134 §2.4: no such list
  // running
  runtime,  // an action limit or another run-time failure (§2.10.6)
};

// Stable lower-case names, used in `mailroom sieve check` and --json.
std::string_view to_string(DiagnosticKind kind) noexcept;
// True for the kinds that come from compiling (parse or validate).
bool is_compile_error(DiagnosticKind kind) noexcept;

struct Diagnostic {
  DiagnosticKind kind = DiagnosticKind::syntax;
  std::string message;
  Position position;
};

}  // namespace mailroom::sieve
