// libFuzzer: SPF macro-strings (RFC 7208 §7) from records and explanation
// TXT records: syntax check and expansion in every use.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailroom/auth/spf_macro.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using mailroom::auth::MacroUse;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  mailroom::auth::SpfMacroContext ctx;
  ctx.sender = "strong-bad@email.example.com";
  ctx.local_part = "strong-bad";
  ctx.sender_domain = "email.example.com";
  ctx.domain = "email.example.com";
  ctx.helo = "mx.example.org";
  ctx.receiver = "mx.example.net";
  ctx.validated_name = [] { return std::string("mail.example.com"); };
  for (const char* ip : {"192.0.2.3", "2001:db8::cb01"}) {
    ctx.ip = *mailroom::dns::IpAddress::parse(ip);
    for (MacroUse use : {MacroUse::domain_spec, MacroUse::explanation, MacroUse::modifier}) {
      const bool valid = mailroom::auth::check_macro_string(input, use).has_value();
      auto expanded = mailroom::auth::expand_macros(input, ctx, use);
      if (valid != expanded.has_value()) __builtin_trap();  // check and expand agree
      if (expanded && use == MacroUse::domain_spec && expanded->size() > 253 &&
          expanded->find('.') != std::string::npos) {
        __builtin_trap();  // §7.3 truncation
      }
    }
  }
  return 0;
}
