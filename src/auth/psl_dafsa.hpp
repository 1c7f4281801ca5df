// The Public Suffix List compiled to a DAFSA (deterministic acyclic finite
// state automaton), the binary form libpsl reads and Debian ships as
// /usr/share/publicsuffix/public_suffix_list.dafsa. Private to the PSL.
//
// The file is a 16-byte header, ".DAFSA@PSL_<version>" padded with blanks
// to a "\n", then the graph; libpsl writes version 0 only. A last byte of
// 0x01 after the graph marks UTF-8 mode: each rule with U-labels is then
// stored twice, in UTF-8 and as A-labels; without it only the A-labels are.
//
// Each rule is one word; the value at its end says what kind of rule it is
// (the bits below). "*.ck" is stored as "ck" with the wildcard bit,
// "!www.ck" as "www.ck" with the exception bit. libpsl keeps only these four
// bits, so a plain rule "x" beside "*.x" could not be told from "*.x" alone;
// the published list has no such pair.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::auth::psl_dafsa {

inline constexpr unsigned kException = 1;  // "!rule"
inline constexpr unsigned kWildcard = 2;   // "*.rule"
inline constexpr unsigned kIcann = 4;      // from "===BEGIN ICANN DOMAINS==="
inline constexpr unsigned kPrivate = 8;    // from "===BEGIN PRIVATE DOMAINS==="

inline constexpr std::size_t kHeaderSize = 16;

struct Graph {
  std::string_view bytes;  // after the header, without the UTF-8 mode byte
  bool utf8 = false;
};

// Whether `file` starts like a DAFSA (".DAFSA@PSL_"), to tell it from text.
[[nodiscard]] bool has_header(std::string_view file);

// The graph of a DAFSA file. Nothing past the header is checked here: every
// lookup checks each offset it follows against the size instead.
[[nodiscard]] Result<Graph> open(std::string_view file);

// `domain` (lower-case, UTF-8 or A-labels) in the graph's alphabet: ASCII
// stays, each UTF-8 sequence becomes 0x1F then its bytes moved into
// 0x40..0x7F. A byte no word can hold (a control byte, broken UTF-8, or
// any non-ASCII byte for a graph without UTF-8 mode) becomes one byte that
// matches nothing, so dots stay where they were.
[[nodiscard]] std::string encode_key(const Graph& graph, std::string_view domain);

// The value stored for an encoded key; nullopt when it is not a word, or
// when the graph is broken on the way.
[[nodiscard]] std::optional<unsigned> lookup(const Graph& graph, std::string_view key);

// How many labels of `key` (encoded) form its public suffix under the
// publicsuffix.org algorithm: an exception rule wins, else the matching
// rule with the most labels, else the implicit "*" (one label). One lookup
// per suffix of the key that starts at a label.
[[nodiscard]] std::size_t suffix_labels(const Graph& graph, std::string_view key,
                                        bool private_rules);

}  // namespace mailroom::auth::psl_dafsa
