// The message model shared by every stage (DESIGN.md, "Message"): one
// immutable buffer, parsed once into views. Parsing never throws and never
// fails; a broken message yields a Message whose defects() say what was wrong.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/defect.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/limits.hpp"

namespace mailroom::message {

class Message {
 public:
  // Parses the top-level header block. Never throws, never fails.
  static Message parse(std::shared_ptr<const Buffer> buffer, const Limits& limits = {}) noexcept;

  [[nodiscard]] std::string_view raw() const noexcept;           // the whole buffer
  [[nodiscard]] std::string_view header_block() const noexcept;  // fields, without the separator
  [[nodiscard]] std::string_view body() const noexcept;          // after the separator line
  [[nodiscard]] std::span<const HeaderField> headers() const noexcept { return fields_; }
  [[nodiscard]] const HeaderField* find(std::string_view name) const noexcept;
  [[nodiscard]] std::vector<const HeaderField*> find_all(std::string_view name) const;
  // Unfolded value of the first field `name`, "" if absent.
  [[nodiscard]] std::string value(std::string_view name) const;
  // False when no blank line separates header and body.
  [[nodiscard]] bool has_separator() const noexcept { return separator_; }

  [[nodiscard]] const Limits& limits() const noexcept { return limits_; }
  [[nodiscard]] const std::shared_ptr<const Buffer>& buffer() const noexcept { return buffer_; }

  // Degrade flags.
  [[nodiscard]] Defects defects() const noexcept { return defects_; }
  [[nodiscard]] bool has(Defect d) const noexcept { return defects_.has(d); }
  // A limit or a malformed line cut the header block short.
  [[nodiscard]] bool header_truncated() const noexcept { return has(Defect::header_truncated); }
  // Any Limits value was reached while parsing.
  [[nodiscard]] bool limits_hit() const noexcept;

 private:
  std::shared_ptr<const Buffer> buffer_;
  Limits limits_;
  std::vector<HeaderField> fields_;
  std::string_view header_block_;
  std::string_view body_;
  bool separator_ = false;
  Defects defects_;
};

}  // namespace mailroom::message
