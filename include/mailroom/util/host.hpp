// This machine's host name: in Maildir file names, in the authserv-id of
// Authentication-Results. Read once per process.
#pragma once

#include <string>

namespace mailroom {

// gethostname(2), or "localhost" when the machine has none.
[[nodiscard]] const std::string& host_name();

}  // namespace mailroom
