// Comparators (RFC 4790) and match types (RFC 5228 §2.7.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/sieve/program.hpp"

namespace mailroom::sieve {

// Does `value` (from the message) match `key` (from the script)?
// :count and :value (RFC 5231) compare with `relation` in the comparator's order.
bool matches(Comparator comparator, MatchType match, Relation relation, std::string_view value,
             std::string_view key);

// The comparator's order (RFC 4790 §4.2): <0, 0, >0 as a sorts before,
// with, or after b.
int order(Comparator comparator, std::string_view a, std::string_view b);

// §2.7.1 :matches: "*" any run of characters, "?" exactly one, "\"
// makes the next character literal. Case folding is done by the caller.
bool wildcard_match(std::string_view value, std::string_view pattern);

// :matches with the match variables of RFC 5229 §3.2: when `value`
// matches, the whole value ("${0}") then the text each "*" and "?" took,
// in the pattern's order. Each "*" takes as little as it can, leftmost
// first ("[*] *" on "[a] [b] c" gives "a" and "[b] c"), as Pigeonhole.
// The captures are cut from `value` as written, not case-folded.
std::optional<std::vector<std::string>> match_captures(Comparator comparator,
                                                       std::string_view value,
                                                       std::string_view key);

// RFC 4790 §9.1 i;ascii-numeric equality: the leading digits as a number,
// a string without leading digit is +infinity (equal only to another).
bool numeric_equal(std::string_view a, std::string_view b);

}  // namespace mailroom::sieve
