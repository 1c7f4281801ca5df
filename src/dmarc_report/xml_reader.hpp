// A small XML reader for received DMARC reports (untrusted input): elements,
// attributes (read past), text, CDATA, comments and processing
// instructions. No DTD: a DOCTYPE is refused, so there is no entity to
// expand and nothing external to fetch (XXE, "billion laughs"); only the
// five predefined entities and character references are read. Namespace
// prefixes are dropped from names (reports come with and without one).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::dmarc_report {

struct XmlLimits {
  std::size_t max_depth = 16;       // a report nests 5 deep
  std::size_t max_nodes = 1000000;  // elements in the whole document
};

struct XmlNode {
  std::string name;  // local name, without its prefix
  std::string text;  // the character data directly inside, entities read
  std::vector<XmlNode> children;

  // The first child named `child`, or nullptr.
  [[nodiscard]] const XmlNode* find(std::string_view child) const;
  // Its text with spaces trimmed; "" when there is no such child.
  [[nodiscard]] std::string text_of(std::string_view child) const;
};

// The root element. ErrorKind::parse with the byte offset for anything
// malformed or over a limit.
[[nodiscard]] Result<XmlNode> parse_xml(std::string_view text, const XmlLimits& limits = {});

}  // namespace mailroom::dmarc_report
