// RFC 5322 §2.2 header fields, as views into the message buffer. Obsolete
// syntax (RFC 5322 §4.5: white space before the colon), 8-bit and UTF-8
// values (RFC 6532), NUL bytes, bare CR and mixed line endings are tolerated.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/defect.hpp"
#include "mailroom/message/limits.hpp"

namespace mailroom::message {

struct HeaderField {
  std::string_view name;  // as written, without the colon, no trailing whitespace
  std::string_view
      value;  // raw value after the colon, up to (excluding) the final line ending; folds kept
  std::string_view raw;    // the whole field as on the wire, including its final line ending
  std::size_t offset = 0;  // offset of raw in the buffer
};

// RFC 5322 §2.2.3 unfolding: every line ending followed by WSP is removed
// (the WSP stays); leading and trailing WSP and line endings are trimmed.
std::string unfold(std::string_view value);

// One parsed header block: the top level of a message or a MIME part.
struct HeaderBlock {
  std::vector<HeaderField> fields;
  std::string_view block;  // the header fields, without the blank separator line
  std::string_view body;   // everything after the separator (or after the last field)
  bool separator = false;  // a blank line ended the header block
  Defects defects;
};

// Parses the header block at the start of `input`. `base` is the start of the
// whole buffer, so that HeaderField::offset counts from there. Never fails:
// a line that is not a header field, or a limit, ends the block and the rest
// becomes body (with a Defect).
HeaderBlock parse_header_block(std::string_view input, const char* base, const Limits& limits);

// First field named `name` (case-insensitive), or nullptr.
const HeaderField* find_field(const std::vector<HeaderField>& fields,
                              std::string_view name) noexcept;

}  // namespace mailroom::message
