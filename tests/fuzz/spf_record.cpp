// libFuzzer: an SPF record from DNS is untrusted input. Parse it, then
// evaluate it with check_host() against a small fixed zone, so the
// evaluator, the macros and the limits all see hostile records.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailroom/auth/spf.hpp"
#include "mailroom/auth/spf_record.hpp"
#include "mailroom/dns/static_resolver.hpp"

namespace {

using mailroom::dns::IpAddress;
using mailroom::dns::StaticResolver;

void add_fixed_names(StaticResolver& zone) {
  zone.add_txt("inc.example", "v=spf1 ip4:192.0.2.0/24 include:fuzz.example -all");
  zone.add_txt("exp.example", "%{i} %{c} %{r} %{t} %{p} %{L}");
  zone.add_address("mail.example", *IpAddress::parse("192.0.2.1"));
  zone.add_address("mail.example", *IpAddress::parse("2001:db8::1"));
  zone.add_mx("fuzz.example", 10, "mail.example");
  zone.add_ptr(IpAddress::parse("192.0.2.1")->reverse_name(), "mail.example");
  zone.add_timeout("slow.example");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)mailroom::auth::parse_spf_record(input);

  StaticResolver zone;
  add_fixed_names(zone);
  // The record as published, and with the version prepended so most inputs
  // reach the term parser and the evaluator.
  zone.add_txt("fuzz.example", "v=spf1 " + std::string(input));
  zone.add_txt("raw.example", std::string(input));
  for (const char* ip : {"192.0.2.1", "2001:db8::1"}) {
    for (const char* sender : {"user@fuzz.example", "user@raw.example"}) {
      auto r = mailroom::auth::check_mail_from(*IpAddress::parse(ip), sender, "helo.example", zone);
      if (r.dns_terms > 11) __builtin_trap();  // the §4.6.4 limit must hold
    }
  }
  return 0;
}
