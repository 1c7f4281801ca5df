// Fuzzes the decoder of the compiled form (binary.hpp) and the interpreter
// on whatever it accepts: a form is the user's file, so no bytes may crash
// either. The input is the encoded Program; the target wraps it in a form
// with a right checksum (else nearly every input would stop there), then
// runs what decodes on a fixed message. The first byte 0x00 instead feeds
// the rest to the decoder as a whole form, header included.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/binary.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "sieve/binary_format.hpp"

using namespace mailroom;  // NOLINT: a fuzz target is one small function

namespace {

constexpr std::string_view kBuild = "fuzz";
constexpr std::string_view kSource = "x";

const message::Message& sample() {
  static const auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(
      "From: Alice <alice@example.org>\r\nTo: bob+x@example.net, group: c@d.example;\r\n"
      "Subject: =?UTF-8?Q?caf=C3=A9?= [list]\r\nX-Spam-Level: ***\r\n"
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n"
      "<p>hi</p>\r\n--b--\r\n"));
  static const auto message = message::Message::parse(buffer);
  return message;
}

void append_u64(std::string& out, std::uint64_t value) {
  char bytes[8];
  std::memcpy(bytes, &value, 8);
  out.append(bytes, 8);
}

// The layout of binary_format.hpp around `payload`.
std::string form_around(std::string_view payload) {
  std::string out(sieve::binary::kMagic);
  const std::uint32_t head[2] = {sieve::binary::kFormatVersion,
                                 static_cast<std::uint32_t>(kBuild.size())};
  out.append(reinterpret_cast<const char*>(head), sizeof head);
  out.append(kBuild);
  append_u64(out, kSource.size());
  out.append(kSource);
  append_u64(out, payload.size());
  out.append(payload);
  append_u64(out, sieve::binary::checksum(out));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool whole_form = !input.empty() && input[0] == '\0';
  std::string form = whole_form ? std::string(input.substr(1)) : form_around(input);
  auto program = sieve::decode_binary(form, kSource, kBuild);
  if (!program) return 0;
  sieve::RunOptions options;
  options.limits.max_steps = 2000;
  options.mailbox_exists = [](std::string_view name) { return name.size() % 2 == 0; };
  (void)sieve::run(*program, sample(), {"alice@example.org", "bob+x@example.net"}, options);
  // What decodes encodes back to the same bytes: nothing is lost or made up.
  if (!whole_form && sieve::encode_binary(*program, kSource, kBuild) != form) std::abort();
  return 0;
}
