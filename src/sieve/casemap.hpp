// i;ascii-casemap (RFC 4790 §9.2) :is and :contains without folded copies
// of value and key: a 200-rule script compares a few thousand times per
// message, and two allocations per comparison were a fifth of its run
// time (bench/sieve; figures in the commit that added this).
#pragma once

#include <optional>
#include <string_view>

#include "mailroom/sieve/program.hpp"

namespace mailroom::sieve {

// The answer for :is and :contains; nullopt for the other match types,
// which the caller folds and matches as before.
std::optional<bool> casemap_match(MatchType match, std::string_view value, std::string_view key);

}  // namespace mailroom::sieve
