// libFuzzer target: DKIM-Signature, ARC-Message-Signature and ARC-Seal tag
// lists (RFC 6376 §3.2/§3.5, RFC 8617 §4.1), then the verifier's whole path
// on a message carrying the input as its DKIM-Signature.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mailroom/auth/arc.hpp"
#include "mailroom/auth/dkim_signature.hpp"
#include "mailroom/auth/dkim_verify.hpp"
#include "mailroom/message/message.hpp"

namespace {

constexpr std::string_view kKey =
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

void verify_as_message(std::string_view value) {
  using namespace mailroom;
  std::string bytes = "DKIM-Signature:" + std::string(value) +
                      "\r\nFrom: a@example.com\r\nSubject: s\r\n\r\nbody\r\n";
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(bytes));
  auto msg = message::Message::parse(buffer);
  auth::DkimVerifier verifier([](std::string_view) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{std::string(kKey)};
  });
  auto results = verifier.verify(msg);
  (void)results;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom::auth;
  std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto dkim = parse_dkim_signature(text, SignatureKind::dkim);
  if (dkim && (dkim->b_begin > dkim->b_end || dkim->b_end > text.size())) __builtin_trap();
  auto ams = parse_dkim_signature(text, SignatureKind::arc_message);
  if (ams && (ams->instance < 1 || ams->instance > 50)) __builtin_trap();
  auto seal = parse_arc_seal(text);
  if (seal && seal->b_end > text.size()) __builtin_trap();
  (void)parse_aar_instance(text);
  if (text.find('\n') == std::string_view::npos) verify_as_message(text);
  return 0;
}
