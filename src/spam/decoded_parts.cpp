// DecodedParts (decoded_parts.hpp).
#include "spam/decoded_parts.hpp"

#include <algorithm>
#include <functional>

#include "mailroom/message/decode.hpp"

namespace mailroom::spam::detail {
namespace {

// Removing a transfer encoding never lengthens the bytes (quoted-printable
// and base64 shrink them, the others copy them); converting them to UTF-8
// at most quadruples them (a byte becomes at most one code point, or
// U+FFFD), and turning HTML into text lengthens nothing. So under caps at
// least these, nothing is cut: the result is the same for any such cap,
// and one decoding serves every caller.
constexpr std::size_t kTextGrowth = 4;

bool content_uncut(const message::Part& part, std::size_t cap) { return cap >= part.body.size(); }
bool text_uncut(const message::Part& part, std::size_t cap) {
  return cap / kTextGrowth >= part.body.size();
}

}  // namespace

message::Limits DecodedParts::limits(std::size_t cap) const {
  message::Limits out = msg_.limits();
  out.max_decoded_size = cap;
  return out;
}

DecodedParts::Slot* DecodedParts::slot(const message::Part& part) {
  const auto parts = msg_.parts();
  const std::less<const message::Part*> before;
  if (before(&part, parts.data()) || !before(&part, parts.data() + parts.size())) return nullptr;
  return &slots_[static_cast<std::size_t>(&part - parts.data())];
}

const std::string& DecodedParts::content(const message::Part& part, std::size_t cap) {
  message::Defects defects;  // the callers judge the text, not its defects
  Slot* s = slot(part);
  if (s == nullptr || !content_uncut(part, cap))
    return uncached_.emplace_front(message::decode_content(part, limits(cap), defects));
  if (!s->content) s->content = message::decode_content(part, limits(cap), defects);
  return *s->content;
}

const std::string& DecodedParts::text(const message::Part& part, std::size_t cap) {
  message::Defects defects;
  Slot* s = slot(part);
  if (s == nullptr || !text_uncut(part, cap))
    return uncached_.emplace_front(message::decode_text(part, limits(cap), defects));
  if (!s->text) s->text = message::decode_text(part, content(part, cap), limits(cap), defects);
  return *s->text;
}

}  // namespace mailroom::spam::detail
