// RFC 5228 §2.4.2.4 encoded-character: "${hex:...}" and "${unicode:...}"
// in strings, when the script requires "encoded-character".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailroom::sieve {

// Replaces every well-formed encoding in `text`; a sequence that does not
// follow the syntax is left as written (§2.4.2.4). nullopt when a
// ${unicode:} value is outside 0-D7FF and E000-10FFFF, which is an error.
std::optional<std::string> decode_encoded_characters(std::string_view text);

}  // namespace mailroom::sieve
