// Outcomes for people and for programs: one line per action, and the
// stable JSON of `mailroom sieve test --json` (documented in
// mailroom-sieve(7)).
#pragma once

#include <string>

#include "mailroom/sieve/action.hpp"

namespace mailroom::sieve {

// `fileinto "Lists" :copy (line 3)`; `keep (implicit)`.
std::string describe(const Action& action);

// {"actions":[...],"error":null|{...}}, keys in a fixed order, one line.
std::string to_json(const Outcome& outcome);

}  // namespace mailroom::sieve
