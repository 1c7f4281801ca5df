// The KeyFetcher for DKIM and ARC over the project's DNS resolver: a TXT
// query per selector, within the delivery's deadline. NXDOMAIN and NODATA
// give "no record" (permerror); resolver errors keep their kind, so a
// timeout or SERVFAIL (ErrorKind::temporary) becomes temperror.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/auth/dkim_verify.hpp"
#include "mailroom/dns/deadline.hpp"
#include "mailroom/dns/resolver.hpp"

namespace mailroom::auth {

// `resolver` must outlive the returned fetcher.
inline KeyFetcher dns_key_fetcher(dns::Resolver& resolver, dns::Deadline deadline) {
  return [&resolver, deadline](std::string_view name) -> Result<std::vector<std::string>> {
    auto answer = resolver.query(name, dns::RecordType::txt, deadline);
    if (!answer) return tl::unexpected(answer.error());
    return std::move(answer->texts);
  };
}

}  // namespace mailroom::auth
