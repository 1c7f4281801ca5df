// RFC 6376 §2.4 base64string: base64 with FWS allowed anywhere (b=, bh=, p=).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailroom::auth {

// Decodes base64 (RFC 4648 §4 alphabet) ignoring whitespace; nullopt on a
// byte outside the alphabet, misplaced padding, or a truncated quantum.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mailroom::auth
