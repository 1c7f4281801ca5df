#include "mailroom/sieve/diagnostic.hpp"

namespace mailroom::sieve {

std::string_view to_string(DiagnosticKind kind) noexcept {
  switch (kind) {
    case DiagnosticKind::syntax:
      return "syntax";
    case DiagnosticKind::limit:
      return "limit";
    case DiagnosticKind::unknown_command:
      return "unknown-command";
    case DiagnosticKind::unknown_test:
      return "unknown-test";
    case DiagnosticKind::unknown_extension:
      return "unknown-extension";
    case DiagnosticKind::missing_require:
      return "missing-require";
    case DiagnosticKind::misplaced_require:
      return "misplaced-require";
    case DiagnosticKind::misplaced_command:
      return "misplaced-command";
    case DiagnosticKind::bad_arguments:
      return "bad-arguments";
    case DiagnosticKind::unknown_tag:
      return "unknown-tag";
    case DiagnosticKind::duplicate_tag:
      return "duplicate-tag";
    case DiagnosticKind::unknown_comparator:
      return "unknown-comparator";
    case DiagnosticKind::unsupported_match_type:
      return "unsupported-match-type";
    case DiagnosticKind::bad_header_name:
      return "bad-header-name";
    case DiagnosticKind::bad_envelope_part:
      return "bad-envelope-part";
    case DiagnosticKind::bad_address:
      return "bad-address";
    case DiagnosticKind::bad_encoded_character:
      return "bad-encoded-character";
    case DiagnosticKind::bad_variable:
      return "bad-variable";
    case DiagnosticKind::unknown_namespace:
      return "unknown-namespace";
    case DiagnosticKind::bad_flag:
      return "bad-flag";
    case DiagnosticKind::bad_include:
      return "bad-include";
    case DiagnosticKind::bad_date_part:
      return "bad-date-part";
    case DiagnosticKind::bad_zone:
      return "bad-zone";
    case DiagnosticKind::bad_regex:
      return "bad-regex";
    case DiagnosticKind::unknown_list:
      return "unknown-list";
    case DiagnosticKind::runtime:
      return "runtime";
  }
  return "unknown";
}

bool is_compile_error(DiagnosticKind kind) noexcept { return kind != DiagnosticKind::runtime; }

}  // namespace mailroom::sieve
