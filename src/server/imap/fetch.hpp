// FETCH (RFC 3501 section 6.4.5): the data items a client asks for, parsed
// once per command, then rendered for each message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/server/imap.hpp"
#include "server/imap/selected.hpp"

namespace mailroom::server::imap {

struct FetchItem {
  enum class Kind {
    flags,
    uid,
    internal_date,
    size,
    envelope,
    body,
    body_structure,
    section,
    rfc822,
    rfc822_header,
    rfc822_text,
    binary,      // BINARY[<part>], BINARY.PEEK (RFC 3516)
    binary_size  // BINARY.SIZE[<part>]
  };
  Kind kind = Kind::flags;
  std::string section;  // BODY[<section>], BINARY[<part numbers>]
  bool peek = false;    // BODY.PEEK, BINARY.PEEK: \Seen is not set
  std::optional<std::pair<std::uint64_t, std::uint64_t>> partial;  // <offset.length>
};

// "FLAGS", "(UID BODY.PEEK[HEADER])", the macros ALL, FAST, FULL.
// ErrorKind::parse with the BAD text.
[[nodiscard]] Result<std::vector<FetchItem>> parse_fetch_items(const Value& value);

// "* <seq> FETCH (...)\r\n" for one message, appended to `out` (left as
// it was on an error). ErrorKind::rejected when a
// BINARY part has a transfer encoding that cannot be undone (the command
// then ends in NO [UNKNOWN-CTE], RFC 3516 section 4.2). `set_seen` is set when a
// non-peek body item was asked for in a read-write mailbox: the caller
// has already stored \Seen, so FLAGS is part of the answer.
[[nodiscard]] Status fetch_message(Selected& box, std::size_t index,
                                   const std::vector<FetchItem>& items, bool uid, std::string& out);

// Whether the items read the body (so \Seen is set without PEEK).
[[nodiscard]] bool sets_seen(const std::vector<FetchItem>& items);

// RFC 3501 date-time: "07-Dec-2026 08:01:02 +0000".
[[nodiscard]] std::string imap_date_time(long long seconds);

}  // namespace mailroom::server::imap
