#include "sieve/regex.hpp"

#include <re2/re2.h>

namespace mailroom::sieve {
namespace {

// §3: i;octet is case-sensitive, i;ascii-casemap (the default) and
// i;unicode-casemap are not.
bool folds_case(Comparator comparator) {
  return comparator == Comparator::ascii_casemap || comparator == Comparator::unicode_casemap;
}

RE2::Options options_for(Comparator comparator) {
  RE2::Options options;
  // POSIX extended syntax (§3 names IEEE Std 1003.2 EREs), leftmost-longest
  // as regexec(3) matches, plus the \d \w \b classes many scripts use.
  options.set_posix_syntax(true);
  options.set_longest_match(true);
  options.set_perl_classes(true);
  options.set_word_boundary(true);
  options.set_case_sensitive(!folds_case(comparator));
  options.set_max_mem(kRegexMaxMemory);
  options.set_log_errors(false);
  return options;
}

}  // namespace

struct RegexCache::Compiled {
  std::string pattern;
  bool fold = false;
  RE2 re;
  Compiled(std::string_view p, Comparator comparator)
      : pattern(p), fold(folds_case(comparator)), re(p, options_for(comparator)) {}
};

RegexCache::RegexCache() = default;
RegexCache::~RegexCache() = default;

std::shared_ptr<RegexCache> make_regex_cache() { return std::make_shared<RegexCache>(); }

std::optional<std::string> regex_problem(std::string_view pattern, Comparator comparator) {
  if (pattern.size() > kMaxRegexLength)
    return "longer than " + std::to_string(kMaxRegexLength) + " bytes";
  RE2 re(pattern, options_for(comparator));
  if (!re.ok()) return re.error();
  return std::nullopt;
}

std::optional<bool> RegexCache::search(std::string_view pattern, Comparator comparator,
                                       std::string_view value, std::vector<std::string>* captures,
                                       std::string& problem) {
  const Compiled* found = nullptr;
  for (const auto& c : compiled_) {
    if (c->pattern == pattern && c->fold == folds_case(comparator)) found = c.get();
  }
  if (found == nullptr) {
    // Compiled once, the check and the cache the same RE2: compiling is
    // what a regex rule costs (regex_problem compiled it a second time).
    if (pattern.size() > kMaxRegexLength) {
      problem = "longer than " + std::to_string(kMaxRegexLength) + " bytes";
      return std::nullopt;
    }
    auto compiled = std::make_unique<Compiled>(pattern, comparator);
    if (!compiled->re.ok()) {
      problem = compiled->re.error();
      return std::nullopt;
    }
    compiled_.push_back(std::move(compiled));
    found = compiled_.back().get();
  }
  const RE2& re = found->re;
  if (captures == nullptr)
    return RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), re);
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(re.NumberOfCapturingGroups()) + 1);
  bool hit = re.Match(re2::StringPiece(value.data(), value.size()), 0, value.size(),
                      RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()));
  if (!hit) return false;
  captures->clear();
  for (const auto& g : groups) captures->emplace_back(g.data() == nullptr ? "" : std::string(g));
  return true;
}

std::string quote_regex(std::string_view value) {
  std::string out;
  for (char c : value) {
    // The ERE special characters (POSIX.2 §2.8.4) and the backslash.
    if (std::string_view("\\.^$[]()|*+?{}").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace mailroom::sieve
