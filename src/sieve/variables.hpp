// RFC 5229 variables: references "${name}" / "${N}" inside strings, the
// names set may use, and the modifiers of set.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::sieve {

// RFC 5229 §3: the match variables are ${0} ... ${32} (Pigeonhole's limit
// too); a higher index expands to the empty string.
inline constexpr std::size_t kMaxMatchIndex = 32;

// identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_") (RFC 5228 §8.1).
bool valid_identifier(std::string_view text);

// One reference found in a string: "${" [namespace "."] name "}" or
// "${" 1*DIGIT "}" (RFC 5229 §3 variable-ref).
struct VariableRef {
  std::size_t begin = 0;  // the "$"
  std::size_t end = 0;    // one past the "}"
  std::string_view name;  // with any namespace, as written
  bool numeric = false;   // a match variable
};

// The first well-formed reference at or after `from`; text that looks
// like one but is not ("${a-b}", "${ a }") is literal (§3).
std::optional<VariableRef> next_reference(std::string_view text, std::size_t from);

// `text` with every reference replaced by `value_of(ref)`.
std::string expand_references(std::string_view text,
                              const std::function<std::string_view(const VariableRef&)>& value_of);

// §4.1: the modifiers (SetModifier bits) applied, highest precedence first.
std::string apply_modifiers(std::string value, unsigned modifiers);

// `value` cut to at most `max` bytes without splitting a UTF-8 character.
void truncate_utf8(std::string& value, std::size_t max);

}  // namespace mailroom::sieve
