// libFuzzer target: DNS responses (RFC 1035 §4) as the stub resolver reads
// them: the header, whether the message answers "example.com", and its
// records for each type the resolver asks for.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/wire.hpp"

namespace {

constexpr std::size_t kMaxRecords = 16;

std::size_t kept(const mailroom::dns::Answer& answer) {
  return answer.texts.size() + answer.addresses.size() + answer.exchanges.size() +
         answer.names.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom::dns;
  const std::span<const std::uint8_t> message(data, size);
  const auto header = wire::read_header(message);
  if (header.has_value() != (size >= 12)) __builtin_trap();
  const std::uint16_t id = header ? header->id : 0;
  constexpr std::array<RecordType, 5> kTypes = {RecordType::a, RecordType::aaaa, RecordType::txt,
                                                RecordType::mx, RecordType::ptr};
  for (const RecordType type : kTypes) {
    (void)wire::answers(message, id, "example.com", type);
    const auto answer = wire::parse_answer(message, "example.com", type, kMaxRecords);
    if (!answer) {
      // Untrusted input only ever gives a temporary error.
      if (answer.error().kind != mailroom::ErrorKind::temporary) __builtin_trap();
      continue;
    }
    // Records only when some were kept, never more than asked, and only of the asked type.
    const std::size_t count = kept(*answer);
    if (count > kMaxRecords) __builtin_trap();
    if ((answer->kind == AnswerKind::records) != (count > 0)) __builtin_trap();
    const bool address = type == RecordType::a || type == RecordType::aaaa;
    if (answer->addresses.size() != (address ? count : 0)) __builtin_trap();
    for (const IpAddress& ip : answer->addresses) {
      if (ip.is_v4() != (type == RecordType::a)) __builtin_trap();
    }
    for (const auto& name : answer->names) {
      if (name.size() > 254) __builtin_trap();  // RFC 1035 §2.3.4: 255 octets on the wire
    }
  }
  return 0;
}
