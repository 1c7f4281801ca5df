// Strict UTF-8 decoding (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF. Folder names are the only UTF-8 this module reads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailroom::maildir::detail {

// False on any invalid sequence.
bool decode_utf8(std::string_view in, std::vector<char32_t>& out);

}  // namespace mailroom::maildir::detail
