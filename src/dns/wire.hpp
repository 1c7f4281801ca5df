// DNS messages on the wire (RFC 1035 §4): the query the stub resolver sends
// and the parts of a response it reads. Responses are untrusted network
// input: every read is bounds-checked, nothing throws, and anything
// malformed is ErrorKind::temporary (callers report "temperror").
//
// Names read from a message are kept as labels until they are compared, so
// a label that holds a '.' (RFC 2181 §11 allows any octet) never equals two
// labels; in the text the caller gets back such a '.' is kept as is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "mailroom/dns/resolver.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::dns::wire {

// RFC 1035 §4.1.1: the header fields the resolver looks at.
struct Header {
  std::uint16_t id = 0;
  bool response = false;  // QR
  int opcode = 0;
  bool truncated = false;  // TC
  int rcode = 0;           // RCODE (4 bits; we do not use extended RCODEs)
  std::uint16_t question_count = 0;
};

// A query: header with `id`, RD=1, one question (name, type, class IN);
// when edns_payload > 0, an OPT pseudo-RR in the additional section (RFC 6891 §6.1.2:
// root owner, type 41, CLASS = payload size, TTL 0 (version 0, DO=0), RDLEN 0).
// The name is written in the case given, without a trailing dot or with one.
// Fails (ErrorKind::parse) when !is_valid_query_name(name).
[[nodiscard]] Result<std::vector<std::uint8_t>> encode_query(std::uint16_t id,
                                                             std::string_view name, RecordType type,
                                                             std::uint16_t edns_payload);

// The header; nullopt when the message is shorter than 12 bytes.
[[nodiscard]] std::optional<Header> read_header(std::span<const std::uint8_t> message);

// Whether `message` is the answer to our question (RFC 5452 §9.1): QR set, opcode 0 (QUERY),
// our ID, exactly one question, and that question equal to ours: the name compared
// case-insensitively (ASCII only; either side may have a trailing dot), our type, class IN.
// Anything malformed: false.
[[nodiscard]] bool answers(std::span<const std::uint8_t> message, std::uint16_t id,
                           std::string_view name, RecordType type);

// The records of a response that answers() our question.
// RCODE 0: walk the answer section from the question name through at most 16
// CNAME links (a longer chain or a loop: temporary error), and collect the
// records of `type` (class IN) owned by the name at the end of the chain;
// records of other owners are ignored. At least one: AnswerKind::records,
// else nodata. At most max_records records are kept (the rest are dropped
// silently, and not decoded); max_records 0 thus gives nodata.
// RCODE 3: nxdomain. Any other RCODE: ErrorKind::temporary naming it.
// Record data (RFC 1035 §3.3, RFC 3596) must fill RDLENGTH exactly; TXT
// character-strings are joined into one entry per record; MX and PTR names
// come without the trailing dot ("" for the root: the null MX of RFC 7505).
// The TC bit is not looked at (the caller decides about a retry over TCP);
// the authority and additional sections are skipped unread.
// type == cname: ErrorKind::internal (the resolver follows CNAMEs, never asks
// for one); a name that is not valid: ErrorKind::parse.
[[nodiscard]] Result<Answer> parse_answer(std::span<const std::uint8_t> message,
                                          std::string_view name, RecordType type,
                                          std::size_t max_records);

// "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" (RFC 1035
// §4.1.1); "" for any other value.
[[nodiscard]] std::string_view rcode_name(int rcode);

}  // namespace mailroom::dns::wire
