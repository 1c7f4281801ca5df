// RFC 5232 imap4flags: IMAP flags (RFC 3501 §2.3.2) held as
// space-separated lists in the internal variable or in named variables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailroom::sieve {

// One of \Answered \Flagged \Deleted \Seen \Draft (any case), or a keyword:
// an IMAP atom (RFC 3501 §9: no SP, CTL, "(", ")", "{", "%", "*", "\"",
// "\\", "]", nothing over 0x7F). \Recent cannot be set (RFC 5232 §3).
bool valid_flag(std::string_view flag);

// The non-empty space-separated words of `strings`.
std::vector<std::string> flag_words(const std::vector<std::string>& strings);

// RFC 5232 §3 addflag: `current` with each valid flag of `strings` that
// it does not hold yet (flags compare case-insensitively) appended, as
// Pigeonhole does, so text already there stays as it was.
std::string add_flags(std::string current, const std::vector<std::string>& strings);
// removeflag: the words of `current` that are none of `strings`.
std::string remove_flags(std::string_view current, const std::vector<std::string>& strings);

// The flags an action stores: valid, each once, system flags spelled as
// IMAP does ("\Seen").
std::vector<std::string> action_flags(std::string_view list);

}  // namespace mailroom::sieve
