#include "sieve/variables.hpp"

#include <algorithm>

#include "mailroom/sieve/program.hpp"
#include "sieve/regex.hpp"

namespace mailroom::sieve {
namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// namespace = identifier "." *sub-namespace; sub-namespace = variable-name "."
bool valid_dotted_name(std::string_view text) {
  std::size_t start = 0;
  while (true) {
    auto dot = text.find('.', start);
    if (!valid_identifier(text.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

bool valid_identifier(std::string_view text) {
  if (text.empty() || !(is_alpha(text[0]) || text[0] == '_')) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_alpha(c) || is_digit(c) || c == '_'; });
}

std::optional<VariableRef> next_reference(std::string_view text, std::size_t from) {
  for (auto at = text.find("${", from); at != std::string_view::npos;
       at = text.find("${", at + 1)) {
    auto close = text.find('}', at + 2);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view inside = text.substr(at + 2, close - at - 2);
    bool numeric = !inside.empty() && std::all_of(inside.begin(), inside.end(), is_digit);
    if (numeric || valid_dotted_name(inside)) {
      return VariableRef{at, close + 1, inside, numeric};
    }
  }
  return std::nullopt;
}

std::string expand_references(std::string_view text,
                              const std::function<std::string_view(const VariableRef&)>& value_of) {
  std::string out;
  std::size_t done = 0;
  for (auto ref = next_reference(text, 0); ref; ref = next_reference(text, done)) {
    out.append(text.substr(done, ref->begin - done));
    out.append(value_of(*ref));
    done = ref->end;
  }
  out.append(text.substr(done));
  return out;
}

std::string apply_modifiers(std::string value, unsigned modifiers) {
  // 40: :lower / :upper. ASCII letters only, as Pigeonhole 0.5.19 does.
  if ((modifiers & set_lower) != 0)
    std::transform(value.begin(), value.end(), value.begin(), ascii_lower);
  if ((modifiers & set_upper) != 0)
    std::transform(value.begin(), value.end(), value.begin(), ascii_upper);
  // 30: :lowerfirst / :upperfirst
  if (!value.empty() && (modifiers & set_lowerfirst) != 0) value[0] = ascii_lower(value[0]);
  if (!value.empty() && (modifiers & set_upperfirst) != 0) value[0] = ascii_upper(value[0]);
  // 20: :quotewildcard puts "\" before "*", "?" and "\" (§4.1.2).
  if ((modifiers & set_quotewildcard) != 0) {
    std::string quoted;
    for (char c : value) {
      if (c == '*' || c == '?' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    value = std::move(quoted);
  }
  // 20: :quoteregex (regex draft §3.2), the same precedence.
  if ((modifiers & set_quoteregex) != 0) value = quote_regex(value);
  // 10: :length, in characters (UTF-8), not octets (§4.1.3).
  if ((modifiers & set_length) != 0) {
    auto characters =
        std::count_if(value.begin(), value.end(), [](char c) { return !is_continuation(c); });
    value = std::to_string(characters);
  }
  return value;
}

void truncate_utf8(std::string& value, std::size_t max) {
  if (value.size() <= max) return;
  std::size_t cut = max;
  while (cut > 0 && is_continuation(value[cut])) --cut;
  value.resize(cut);
}

}  // namespace mailroom::sieve
