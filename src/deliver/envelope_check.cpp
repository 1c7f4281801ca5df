#include "deliver/envelope_check.hpp"

#include <cstdio>
#include <string_view>

namespace mailroom::deliver {
namespace {

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// "\r" or "\x01": the refused byte, readable in the message.
std::string describe(char c) {
  switch (c) {
    case '\r':
      return "CR";
    case '\n':
      return "LF";
    case '\0':
      return "NUL";
    default:
      break;
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(c));
  return hex;
}

Status check_address(std::string_view address, std::string_view what) {
  for (std::size_t i = 0; i < address.size(); ++i) {
    if (!is_control(address[i])) continue;
    return fail(ErrorKind::usage, std::string(what) + " contains a control character (" +
                                      describe(address[i]) + " at byte " + std::to_string(i) +
                                      "): refused, an address never holds one");
  }
  return ok();
}

}  // namespace

Status check_envelope(const Envelope& envelope) {
  if (envelope.sender)
    if (auto checked = check_address(*envelope.sender, "the sender (-f, $SENDER)"); !checked)
      return checked;
  // The final recipient first: without -a it is copied into the original one.
  if (auto checked = check_address(envelope.final_recipient, "the recipient (-r, $RECIPIENT)");
      !checked)
    return checked;
  return check_address(envelope.original_recipient,
                       "the original recipient (-a, $ORIGINAL_RECIPIENT)");
}

}  // namespace mailroom::deliver
