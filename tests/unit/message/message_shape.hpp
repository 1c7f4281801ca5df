// Test helpers: a compact picture of a message's MIME tree.
#pragma once

#include <memory>
#include <string>

#include "mailroom/message/message.hpp"

namespace mailroom::message::testing {

inline Message parse_string(std::string s, const Limits& limits = {}) {
  return Message::parse(std::make_shared<const Buffer>(Buffer::from_string(std::move(s))), limits);
}

// "multipart/mixed(text/plain,message/rfc822(text/html))"
inline std::string shape(const Message& m, std::size_t index = 0) {
  const Part& p = m.parts()[index];
  std::string out = p.content_type.mime_type();
  if (!p.children.empty()) {
    out += "(";
    for (std::size_t i = 0; i < p.children.size(); ++i) {
      if (i > 0) out += ",";
      out += shape(m, p.children[i]);
    }
    out += ")";
  }
  return out;
}

inline std::string defect_names(Defects d) {
  std::string out;
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1) {
    if ((d.bits() & bit) == 0) continue;
    if (!out.empty()) out += ",";
    out += std::string(defect_name(static_cast<Defect>(bit)));
  }
  return out;
}

}  // namespace mailroom::message::testing
