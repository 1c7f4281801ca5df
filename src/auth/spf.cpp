// The two SPF identities (RFC 7208 §2.3, §2.4) on top of check_host().
#include "mailroom/auth/spf.hpp"

#include "address_domain.hpp"

namespace mailroom::auth {

std::string_view to_string(SpfCode code) {
  switch (code) {
    case SpfCode::none:
      return "none";
    case SpfCode::neutral:
      return "neutral";
    case SpfCode::pass:
      return "pass";
    case SpfCode::fail:
      return "fail";
    case SpfCode::softfail:
      return "softfail";
    case SpfCode::temperror:
      return "temperror";
    case SpfCode::permerror:
      return "permerror";
  }
  return "none";
}

SpfResult check_mail_from(const dns::IpAddress& ip, std::string_view mail_from,
                          std::string_view helo, dns::Resolver& resolver, const SpfLimits& limits,
                          dns::Deadline deadline) {
  // §2.4: a null reverse-path is checked as postmaster@<HELO name>.
  if (mail_from.empty() || mail_from == "<>")
    return check_helo(ip, helo, resolver, limits, deadline);
  const std::string_view domain = domain_part(mail_from);
  const std::string sender = domain.size() == mail_from.size()
                                 ? "postmaster@" + std::string(mail_from)
                                 : std::string(mail_from);
  return check_host(ip, domain, sender, helo, resolver, limits, deadline);
}

SpfResult check_helo(const dns::IpAddress& ip, std::string_view helo, dns::Resolver& resolver,
                     const SpfLimits& limits, dns::Deadline deadline) {
  return check_host(ip, helo, "postmaster@" + std::string(helo), helo, resolver, limits, deadline);
}

}  // namespace mailroom::auth
