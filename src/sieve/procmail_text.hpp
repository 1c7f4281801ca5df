// The pieces of `sieve from-procmail` (procmail.cpp): procmailrc(5) lines,
// Sieve quoting, and the translation of one condition line.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::sieve::procmail {

struct Line {
  std::size_t number;  // of the first physical line
  std::string text;    // continuation lines joined, blanks around removed
};

// procmailrc(5): a line ending in a backslash continues on the next,
// whose leading blanks are ignored; what precedes the backslash stays.
std::vector<Line> logical_lines(std::string_view rc);

std::string trim(std::string_view s);
std::string quote(std::string_view text);  // a Sieve quoted string
std::string lower(std::string s);
bool starts_with(std::string_view s, std::string_view prefix);
// The text a regular expression matches literally ("\." is a dot), or
// nullopt when it uses an operator.
std::optional<std::string> literal(std::string_view re);
// The words of a line, split at blanks.
std::vector<std::string> words(std::string_view line);

// One condition (the text after "*") of a recipe with `flags`, as a Sieve
// test; nullopt with `problem` set when it has none. The capabilities the
// test needs are added to `capabilities`.
std::optional<std::string> translate_condition(std::string condition, std::string_view flags,
                                               std::set<std::string>& capabilities,
                                               std::string& problem);

}  // namespace mailroom::sieve::procmail
