// SEARCH (RFC 3501 section 6.4.4): every search key of section 6.4.4,
// charset US-ASCII or UTF-8; strings match as case-insensitive substrings
// (ASCII letters folded), headers unfolded, Subject and bodies decoded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mailroom/server/imap.hpp"
#include "server/imap/selected.hpp"

namespace mailroom::server::imap {

struct SearchKey;
using SearchProgram = std::shared_ptr<const SearchKey>;

// The arguments after SEARCH (CHARSET included). ErrorKind::parse with the
// BAD text; an unknown charset is ErrorKind::rejected ("NO [BADCHARSET]").
[[nodiscard]] Result<SearchProgram> parse_search(const std::vector<Value>& args,
                                                 const Selected& box);

// Sequence numbers (or UIDs) of the matching messages, ascending.
[[nodiscard]] std::vector<std::uint32_t> run_search(const SearchProgram& program, Selected& box,
                                                    bool uid);

}  // namespace mailroom::server::imap
