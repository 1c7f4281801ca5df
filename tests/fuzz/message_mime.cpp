// Fuzzes the MIME tree and lazy decoding of every part.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "mailroom/message/charset.hpp"
#include "mailroom/message/message.hpp"

using namespace mailroom::message;  // NOLINT: a fuzz target is one small function

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  Limits limits;
  limits.max_mime_depth = 8;
  limits.max_parts = 64;
  limits.max_decoded_size = 1 << 16;
  const Message m =
      Message::parse(std::make_shared<const Buffer>(Buffer::from_string(input)), limits);
  if (m.parts().empty() || m.parts().size() > limits.max_parts) std::abort();
  const char* begin = m.raw().data();
  const char* end = begin + m.raw().size();
  for (const Part& p : m.parts()) {
    if (p.depth > limits.max_mime_depth) std::abort();
    if (!p.body.empty() && (p.body.data() < begin || p.body.data() + p.body.size() > end)) {
      std::abort();
    }
    if (m.decoded(p).size() > limits.max_decoded_size) std::abort();
    (void)p.filename();
  }
  const std::string text = m.body_text();
  if (text.size() > limits.max_decoded_size || !is_valid_utf8(text)) std::abort();
  return 0;
}
