// libFuzzer target: DKIM key records (RFC 6376 §3.6.1, RFC 8463 §4), and
// the same bytes served as the key of a real signature, so that OpenSSL's
// key decoding behind p= is fuzzed through the verifier.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mailroom/auth/dkim_key.hpp"
#include "mailroom/auth/dkim_verify.hpp"
#include "mailroom/message/message.hpp"

namespace {

// RFC 8463 §A.3: an RSA and an Ed25519 signature on one message.
constexpr std::string_view kSigned =
    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
    " date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n"
    " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n"
    " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n"
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

const mailroom::message::Message& signed_message() {
  using namespace mailroom::message;
  static const Message msg =
      Message::parse(std::make_shared<const Buffer>(Buffer::from_string(std::string(kSigned))));
  return msg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom;
  std::string record(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto key = auth::parse_dkim_key(record);
  (void)key;
  auth::DkimVerifier verifier([&](std::string_view) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{record};
  });
  auto results = verifier.verify(signed_message());
  if (results.size() != 2) __builtin_trap();
  return 0;
}
