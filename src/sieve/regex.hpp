// The :regex match type (draft-murchison-sieve-regex-08) on RE2: POSIX
// extended syntax, UTF-8, linear time, bounded memory.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/sieve/program.hpp"

namespace mailroom::sieve {

// A longer pattern is refused (compile error, or a run-time error when
// built from variables), and each compiled pattern may use at most
// kRegexMaxMemory bytes (RE2's max_mem): RE2 then refuses it too.
inline constexpr std::size_t kMaxRegexLength = 4096;
inline constexpr std::int64_t kRegexMaxMemory = std::int64_t{1} << 20;

// Why `pattern` cannot be used, or nullopt when it compiles.
std::optional<std::string> regex_problem(std::string_view pattern, Comparator comparator);

// Compiled patterns, by pattern and case mode: of one run, or of many
// (RunOptions::regex_cache).
class RegexCache {
 public:
  RegexCache();
  ~RegexCache();
  RegexCache(const RegexCache&) = delete;
  RegexCache& operator=(const RegexCache&) = delete;

  // Does `pattern` match anywhere in `value` (§3: unanchored)? With
  // `captures`, the whole match then each group ("" for a group that took
  // no part). nullopt when the pattern does not compile (`problem` says why).
  std::optional<bool> search(std::string_view pattern, Comparator comparator,
                             std::string_view value, std::vector<std::string>* captures,
                             std::string& problem);

  // How many patterns it holds.
  [[nodiscard]] std::size_t size() const noexcept { return compiled_.size(); }

 private:
  struct Compiled;
  std::vector<std::unique_ptr<Compiled>> compiled_;
};

// set :quoteregex (§3.2): a backslash before each character that is
// special in a POSIX extended regex.
std::string quote_regex(std::string_view value);

}  // namespace mailroom::sieve
