// The MIME tree (RFC 2045, RFC 2046): parts as views into the message
// buffer, built once without decoding anything. Parsing is iterative with
// an explicit work list bounded by Limits::max_parts, and nesting is cut at
// Limits::max_mime_depth, so memory never grows with an attacker's nesting.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "mailroom/message/content_type.hpp"
#include "mailroom/message/defect.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/limits.hpp"
#include "mailroom/message/transfer_encoding.hpp"

namespace mailroom::message {

struct Part {
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  std::size_t index = 0;      // position in document order; the root is 0
  std::size_t parent = npos;  // index of the enclosing part
  std::size_t depth = 0;      // 0 for the root
  std::vector<HeaderField> headers;
  std::string_view raw;           // the whole part: header block, separator, body
  std::string_view header_block;  // header fields without the separator
  std::string_view body;          // content, still transfer-encoded
  std::string_view preamble;      // multipart: before the first delimiter (RFC 2046 §5.1.1)
  std::string_view epilogue;      // multipart: after the close delimiter
  ContentType content_type;
  TransferEncoding encoding = TransferEncoding::seven_bit;
  std::vector<std::size_t> children;  // indices, in order
  Defects defects;                    // found in this part

  [[nodiscard]] const HeaderField* find(std::string_view name) const noexcept {
    return find_field(headers, name);
  }
  [[nodiscard]] ContentDisposition disposition() const;  // parsed on demand
  [[nodiscard]] std::string filename() const;            // "" if none
  // A leaf whose content is text a reader sees: text/*, not an attachment;
  // also a multipart whose parts could not be found (shown as raw text).
  [[nodiscard]] bool is_text() const;
  [[nodiscard]] bool is_leaf() const noexcept { return children.empty(); }
};

// Builds the tree below a root part whose headers and body are already
// set (root.raw must be the whole buffer). Returns all parts in document
// order; the root's defects collect those of every part.
std::vector<Part> parse_mime(Part root, const char* base, const Limits& limits);

// Fills a part's content type and transfer encoding from its headers.
void classify_part(Part& part, std::string_view default_type);

}  // namespace mailroom::message
