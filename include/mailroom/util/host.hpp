// This machine's host name: in Maildir file names, in the authserv-id of
// Authentication-Results. Read once per process.
#pragma once

#include <string>

namespace mailroom {

// gethostname(2), or "localhost" when the machine has none.
[[nodiscard]] const std::string& host_name();

// The DNS domain of a host name: what follows its first dot, or the name
// itself when it has none (as Dovecot's my_hostdomain). The Sieve
// environment item "domain" (RFC 5183 §4).
[[nodiscard]] std::string host_domain(const std::string& host);

}  // namespace mailroom
