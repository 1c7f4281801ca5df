// RFC 6376 §3.2 tag=value lists: the syntax shared by DKIM-Signature,
// DKIM key records, ARC-Message-Signature and ARC-Seal. Untrusted input:
// parsed under TagListLimits, errors are typed and carry the byte offset.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "mailroom/util/result.hpp"

namespace mailroom::auth {

struct TagListLimits {
  // A DKIM-Signature with a 8192-bit RSA b= and a long h= stays below 4 KiB;
  // 64 KiB leaves room for folding and odd signers.
  std::size_t max_bytes = std::size_t{64} << 10;
  // RFC 6376 defines 14 signature tags; unknown tags are allowed (§3.2).
  std::size_t max_tags = 64;
  bool operator==(const TagListLimits&) const = default;
};

enum class TagErrorCode {
  too_long,        // input longer than TagListLimits::max_bytes
  too_many_tags,   // more tags than TagListLimits::max_tags
  bad_tag_name,    // not ALPHA *(ALPHA / DIGIT / "_"), or an empty tag-spec (";;")
  missing_equals,  // tag-name not followed by "="
  bad_value,       // a byte outside VALCHAR / WSP / FWS in a tag-value
  duplicate_tag,   // §3.2: the whole list is invalid
  missing_tag,     // a required tag is absent
  invalid_tag,     // a known tag whose value is malformed
  unsupported,     // well-formed but not something we implement (version, algorithm)
};

struct TagError {
  TagErrorCode code = TagErrorCode::bad_value;
  std::size_t offset = 0;  // byte offset in the parsed text
  std::string detail;      // e.g. the tag name concerned

  // "missing_tag at byte 0: bh" style text for reasons and logs.
  [[nodiscard]] std::string describe() const;
  // As a project-wide Error (kind parse, or limit for the two size limits).
  [[nodiscard]] Error to_error() const;
};

template <class T>
using TagResult = tl::expected<T, TagError>;

[[nodiscard]] inline tl::unexpected<TagError> tag_error(TagErrorCode code, std::size_t offset,
                                                        std::string detail = {}) {
  return tl::unexpected<TagError>(TagError{code, offset, std::move(detail)});
}

std::string_view to_string(TagErrorCode code) noexcept;

struct Tag {
  std::string_view name;   // case-sensitive (§3.2)
  std::string_view value;  // without surrounding whitespace; may contain inner FWS
  std::size_t name_offset = 0;
  std::size_t value_begin = 0;  // offsets of the text after "=" up to ";" or the end,
  std::size_t value_end = 0;    // surrounding whitespace included (what b= blanking removes)
};

struct TagList {
  std::vector<Tag> tags;
  [[nodiscard]] const Tag* find(std::string_view name) const noexcept;
};

// Parses `text` (views into it are returned: keep it alive).
TagResult<TagList> parse_tag_list(std::string_view text, const TagListLimits& limits = {});

// The value without any whitespace (b=, bh=, p= values may be folded anywhere).
std::string strip_whitespace(std::string_view value);

}  // namespace mailroom::auth
