// What srs.cpp and srs_hash.cpp share.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "mailroom/srs/srs.hpp"

namespace mailroom::srs {

// True when `stamp` (two base32 characters, any case) is at most
// max_age_days old at `now` and not from the future.
bool timestamp_fresh(std::string_view stamp, std::int64_t now, unsigned max_age_days);

// True when `given` (at least options.hash_length characters) matches the
// hash of `fields` under any of the secrets, ignoring case (the SRS paper,
// §"Case sensitivity": the local part may come back lower-cased).
bool hash_matches(const Options& options, std::string_view given,
                  const std::vector<std::string_view>& fields);

}  // namespace mailroom::srs
