// MIME parameters (RFC 2045 §5.1) with RFC 2231 extensions: continuations
// (name*0, name*1 ...), charset and language (name*=utf-8'en'%C3%A9).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailroom/message/defect.hpp"

namespace mailroom::message {

struct Parameter {
  std::string name;   // lower case, without RFC 2231 "*n*" suffixes
  std::string value;  // decoded to UTF-8 (continuations joined)
};

class Parameters {
 public:
  Parameters() = default;
  explicit Parameters(std::vector<Parameter> list) : list_(std::move(list)) {}
  // Value of `name` (case-insensitive), or nullptr.
  [[nodiscard]] const std::string* find(std::string_view name) const noexcept;
  [[nodiscard]] const std::vector<Parameter>& list() const noexcept { return list_; }

 private:
  std::vector<Parameter> list_;
};

// Parses "; a=b; c*0=...; ..." (the text after the type or disposition).
// Tolerates missing quotes, stray semicolons, comments, unterminated quoted
// strings, and RFC 2047 words in values (which §5 forbids but Outlook
// writes). A value in RFC 2231 form wins over the plain one of the same name.
Parameters parse_parameters(std::string_view text, Defects& defects);

}  // namespace mailroom::message
