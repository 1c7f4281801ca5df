// RFC 5051 i;unicode-casemap: strings compared by a canonical form in
// which case and compatibility variants are the same.
#pragma once

#include <string>
#include <string_view>

namespace mailroom::sieve {

// §2.1: each character mapped to its titlecase (Unicode's simple titlecase
// mapping), then the string decomposed (NFKD). Bytes that are not UTF-8
// are kept as they are, so they only ever equal themselves.
std::string unicode_casemap(std::string_view text);

}  // namespace mailroom::sieve
