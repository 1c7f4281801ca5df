// The values of Sieve string literals (RFC 5228 §2.4.2): quoted strings with
// backslash escapes, multi-line strings with dot-stuffing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::sieve {

// `text` is the quoted string with its quotes. §2.4.2: "\" followed by any
// character stands for that character ("\\" and "\"" are the two the RFC
// names; an undefined escape drops the backslash). nullopt over max_length.
std::optional<std::string> unquote(std::string_view text, std::size_t max_length);

// `text` is the whole "text:" literal through its final "." line. The first
// line (with its comment) is not part of the value; a line that starts with
// ".." loses one dot (§2.4.2 dot-stuffing); every line ends in CRLF, also
// when the script was saved with bare LF (§8.1 multiline-literal).
std::optional<std::string> multi_line_value(std::string_view text, std::size_t max_length);

// RFC 5228 §4.2: redirect's argument is one address, local@domain.
bool valid_redirect_address(std::string_view text);

}  // namespace mailroom::sieve
