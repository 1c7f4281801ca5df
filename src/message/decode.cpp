#include "mailroom/message/decode.hpp"

#include "mailroom/message/charset.hpp"
#include "mailroom/message/html.hpp"
#include "mailroom/message/transfer_encoding.hpp"

namespace mailroom::message {

std::string decode_content(const Part& part, const Limits& limits, Defects& defects) {
  return decode_transfer(part.body, part.encoding, defects, limits.max_decoded_size);
}

std::string decode_text(const Part& part, const Limits& limits, Defects& defects) {
  return decode_text(part, decode_content(part, limits, defects), limits, defects);
}

std::string decode_text(const Part& part, std::string_view bytes, const Limits& limits,
                        Defects& defects) {
  std::string text;
  text.reserve(bytes.size());
  append_utf8(bytes, part.content_type.charset(), text, defects, limits.max_decoded_size);
  if (part.content_type.is("text", "html")) return html_to_text(text, limits.max_decoded_size);
  return text;
}

}  // namespace mailroom::message
