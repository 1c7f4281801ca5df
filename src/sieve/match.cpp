#include "sieve/match.hpp"
#include "sieve/casemap.hpp"

#include <string>
#include <vector>

#include "sieve/unicode_casemap.hpp"

namespace mailroom::sieve {
namespace {

// RFC 4790 §9.2 i;ascii-casemap: only A-Z fold, other octets stay.
std::string fold(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Length of the UTF-8 character starting at text[i]; 1 for a stray byte,
// so invalid UTF-8 still advances.
std::size_t char_length(std::string_view text, std::size_t i) {
  auto lead = static_cast<unsigned char>(text[i]);
  std::size_t n = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (i + n > text.size()) return 1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

std::string_view digits_of(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  s = s.substr(0, n);
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s;
}

}  // namespace

bool numeric_equal(std::string_view a, std::string_view b) {
  bool a_inf = a.empty() || a[0] < '0' || a[0] > '9';
  bool b_inf = b.empty() || b[0] < '0' || b[0] > '9';
  if (a_inf || b_inf) return a_inf && b_inf;
  return digits_of(a) == digits_of(b);
}

// Greedy matching with one back-track point, the last "*": O(n*m) at
// worst, never exponential (no catastrophic backtracking on hostile keys).
bool wildcard_match(std::string_view value, std::string_view pattern) {
  std::size_t v = 0, p = 0;
  std::size_t star_p = std::string_view::npos, star_v = 0;
  while (v < value.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_v = v;
      continue;
    }
    if (p < pattern.size() && pattern[p] == '?') {
      ++p;
      v += char_length(value, v);
      continue;
    }
    if (p < pattern.size()) {
      std::size_t lit = p;
      if (pattern[lit] == '\\' && lit + 1 < pattern.size()) ++lit;
      if (pattern[lit] == value[v]) {
        p = lit + 1;
        ++v;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;  // let the last "*" swallow one more character
    star_v += char_length(value, star_v);
    v = star_v;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

int order(Comparator comparator, std::string_view a, std::string_view b) {
  if (comparator == Comparator::ascii_numeric) {
    // RFC 4790 §9.1: no leading digit is +infinity, equal to another one.
    bool a_inf = a.empty() || a[0] < '0' || a[0] > '9';
    bool b_inf = b.empty() || b[0] < '0' || b[0] > '9';
    if (a_inf || b_inf) return a_inf == b_inf ? 0 : a_inf ? 1 : -1;
    std::string_view da = digits_of(a), db = digits_of(b);
    if (da.size() != db.size()) return da.size() < db.size() ? -1 : 1;
    return da.compare(db);
  }
  if (comparator == Comparator::ascii_casemap) return fold(a).compare(fold(b));
  // RFC 5051 §2.2: the canonical forms, in code point order (UTF-8's byte order).
  if (comparator == Comparator::unicode_casemap)
    return unicode_casemap(a).compare(unicode_casemap(b));
  return a.compare(b);
}

namespace {

bool holds(Relation relation, int cmp) {
  switch (relation) {
    case Relation::gt:
      return cmp > 0;
    case Relation::ge:
      return cmp >= 0;
    case Relation::lt:
      return cmp < 0;
    case Relation::le:
      return cmp <= 0;
    case Relation::eq:
      return cmp == 0;
    case Relation::ne:
      return cmp != 0;
  }
  return false;
}

}  // namespace

bool matches(Comparator comparator, MatchType match, Relation relation, std::string_view value,
             std::string_view key) {
  if (match == MatchType::count || match == MatchType::value) {
    return holds(relation, order(comparator, value, key));
  }
  if (comparator == Comparator::ascii_numeric) return numeric_equal(value, key);
  if (comparator == Comparator::ascii_casemap)
    if (auto done = casemap_match(match, value, key)) return *done;
  std::string folded_value, folded_key;
  if (comparator == Comparator::ascii_casemap || comparator == Comparator::unicode_casemap) {
    bool unicode = comparator == Comparator::unicode_casemap;
    folded_value = unicode ? unicode_casemap(value) : fold(value);
    folded_key = unicode ? unicode_casemap(key) : fold(key);
    value = folded_value;
    key = folded_key;
  }
  switch (match) {
    case MatchType::is:
      return value == key;
    case MatchType::contains:
      return value.find(key) != std::string_view::npos;
    case MatchType::matches:
      return wildcard_match(value, key);
    case MatchType::count:
    case MatchType::value:
    case MatchType::regex:  // evaluate_extensions.cpp
    case MatchType::list:
      break;
  }
  return false;
}

namespace {

// A pattern without its "*": literal bytes and "?" (one character).
struct Token {
  bool any = false;  // "?"
  char literal = 0;
};

// The pattern split at each "*" into runs of tokens ("\" quotes).
std::vector<std::vector<Token>> split_pattern(std::string_view pattern) {
  std::vector<std::vector<Token>> runs(1);
  for (std::size_t p = 0; p < pattern.size(); ++p) {
    char c = pattern[p];
    if (c == '*') {
      runs.emplace_back();
    } else if (c == '?') {
      runs.back().push_back(Token{true, 0});
    } else {
      if (c == '\\' && p + 1 < pattern.size()) c = pattern[++p];
      runs.back().push_back(Token{false, c});
    }
  }
  return runs;
}

struct Span {
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Matches `run` at `value[v]`; the end, or npos. Each "?" appends its span.
std::size_t match_run(std::string_view value, std::size_t v, const std::vector<Token>& run,
                      std::vector<Span>& spans) {
  for (const Token& t : run) {
    if (v >= value.size()) return std::string_view::npos;
    if (t.any) {
      std::size_t n = char_length(value, v);
      spans.push_back(Span{v, n});
      v += n;
    } else if (value[v] == t.literal) {
      ++v;
    } else {
      return std::string_view::npos;
    }
  }
  return v;
}

}  // namespace

std::optional<std::vector<std::string>> match_captures(Comparator comparator,
                                                       std::string_view value,
                                                       std::string_view key) {
  std::string folded_value, folded_key;
  std::string_view v_text = value, k_text = key;
  if (comparator == Comparator::ascii_casemap) {
    // Folding keeps every byte in place, so spans index `value` too.
    folded_value = fold(value);
    folded_key = fold(key);
    v_text = folded_value;
    k_text = folded_key;
  } else if (comparator == Comparator::unicode_casemap) {
    // RFC 5051 changes lengths: the captures are cut from the canonical form.
    folded_value = unicode_casemap(value);
    folded_key = unicode_casemap(key);
    value = v_text = folded_value;
    k_text = folded_key;
  }
  auto runs = split_pattern(k_text);
  std::vector<Span> spans;
  std::size_t v = match_run(v_text, 0, runs.front(), spans);
  if (v == std::string_view::npos) return std::nullopt;
  if (runs.size() == 1 && v != v_text.size()) return std::nullopt;
  for (std::size_t r = 1; r < runs.size(); ++r) {
    bool last = r + 1 == runs.size();
    // The earliest place the run fits leaves the most room for the rest.
    std::optional<std::size_t> found;
    for (std::size_t s = v; s <= v_text.size();
         s += s < v_text.size() ? char_length(v_text, s) : 1) {
      std::vector<Span> run_spans;
      std::size_t end = match_run(v_text, s, runs[r], run_spans);
      if (end == std::string_view::npos || (last && end != v_text.size())) continue;
      spans.push_back(Span{v, s - v});  // what the "*" took
      spans.insert(spans.end(), run_spans.begin(), run_spans.end());
      found = end;
      break;
    }
    if (!found) return std::nullopt;
    v = *found;
  }
  std::vector<std::string> out{std::string(value)};
  for (const Span& s : spans) out.emplace_back(value.substr(s.offset, s.length));
  return out;
}

}  // namespace mailroom::sieve
