// Fuzzes RFC 5322 header block parsing (Message::parse, Scope::headers).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "mailroom/message/message.hpp"

using namespace mailroom::message;  // NOLINT: a fuzz target is one small function

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  Limits limits;
  limits.max_line_length = 200;  // small limits reach the degrade paths
  limits.max_header_count = 50;
  limits.max_header_block = 4096;
  const Message m = Message::parse(std::make_shared<const Buffer>(Buffer::from_string(input)),
                                   limits, Scope::headers);
  if (m.raw() != input) std::abort();
  std::size_t covered = 0;
  for (const HeaderField& f : m.headers()) {
    // Fields tile the header block, each a view at its offset.
    if (f.offset != covered || f.raw.data() != m.raw().data() + f.offset) std::abort();
    if (f.name.empty() || f.value.size() > f.raw.size()) std::abort();
    covered += f.raw.size();
    (void)unfold(f.value);
  }
  if (covered != m.header_block().size()) std::abort();
  if (m.body().data() + m.body().size() != m.raw().data() + m.raw().size()) std::abort();
  (void)m.subject();
  return 0;
}
