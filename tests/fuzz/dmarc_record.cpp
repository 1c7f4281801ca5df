// libFuzzer: a DMARC record from DNS is untrusted input. Parse it, and
// evaluate it through check_dmarc() from a StaticResolver, so alignment,
// pct= sampling and the record fallbacks all see hostile records.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/dmarc.hpp"
#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/dns/static_resolver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto record = mailroom::auth::parse_dmarc_record(text);
  if (record && record->percent > 100) __builtin_trap();
  if (!record) (void)record.error().describe();

  mailroom::dns::StaticResolver zone;
  zone.add_txt("_dmarc.example.com", text);
  static const mailroom::auth::PublicSuffixList psl =
      mailroom::auth::PublicSuffixList::from_text("com\n");
  std::vector<mailroom::auth::DkimResult> dkim(1);
  dkim[0].domain = "mail.example.com";
  dkim[0].status = mailroom::auth::DkimStatus::fail;
  mailroom::auth::DmarcInput input{"news.example.com", mailroom::auth::SpfCode::softfail,
                                   "example.com", dkim};
  mailroom::auth::DmarcOptions options;
  options.random_percent = [size] { return static_cast<unsigned>(size % 100); };
  auto result = mailroom::auth::check_dmarc(input, zone, psl, options);
  if (result.code == mailroom::auth::DmarcCode::pass) __builtin_trap();  // nothing passed
  return 0;
}
