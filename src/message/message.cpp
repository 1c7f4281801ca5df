#include "mailroom/message/message.hpp"

#include <utility>

namespace mailroom::message {

Message Message::parse(std::shared_ptr<const Buffer> buffer, const Limits& limits) noexcept {
  Message m;
  m.limits_ = limits;
  if (!buffer) buffer = std::make_shared<const Buffer>();
  m.buffer_ = std::move(buffer);
  const std::string_view raw = m.buffer_->bytes();
  try {
    HeaderBlock hb = parse_header_block(raw, raw.data(), limits);
    m.fields_ = std::move(hb.fields);
    m.header_block_ = hb.block;
    m.body_ = hb.body;
    m.separator_ = hb.separator;
    m.defects_ = hb.defects;
  } catch (...) {
    // Only std::bad_alloc can get here: degrade to "all body".
    m.fields_.clear();
    m.header_block_ = {};
    m.body_ = raw;
    m.separator_ = false;
    m.defects_.add(Defect::header_truncated);
  }
  return m;
}

std::string_view Message::raw() const noexcept { return buffer_->bytes(); }
std::string_view Message::header_block() const noexcept { return header_block_; }
std::string_view Message::body() const noexcept { return body_; }

const HeaderField* Message::find(std::string_view name) const noexcept {
  return find_field(fields_, name);
}

std::vector<const HeaderField*> Message::find_all(std::string_view name) const {
  std::vector<const HeaderField*> out;
  for (const auto& f : fields_) {
    if (iequals(f.name, name)) out.push_back(&f);
  }
  return out;
}

std::string Message::value(std::string_view name) const {
  const HeaderField* f = find(name);
  return f == nullptr ? std::string() : unfold(f->value);
}

bool Message::limits_hit() const noexcept {
  return has(Defect::line_too_long) || has(Defect::too_many_headers) ||
         has(Defect::header_block_too_large) || has(Defect::mime_too_deep) ||
         has(Defect::too_many_parts) || has(Defect::decoded_truncated);
}

}  // namespace mailroom::message
