// errno -> Error, with the hint a postmaster needs (after Postfix local(8):
// "perhaps you need to create the maildirs in advance").
#pragma once

#include <string>

#include "mailroom/util/result.hpp"

namespace mailroom::maildir::detail {

// "<what> <path>: <strerror> (<hint>)"; always ErrorKind::temporary: the
// MTA keeps the message and retries once the postmaster fixed the cause.
tl::unexpected<Error> io_error(const std::string& what, const std::string& path, int err);

}  // namespace mailroom::maildir::detail
