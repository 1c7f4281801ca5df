// IMAP modified UTF-7 (RFC 3501 section 5.1.3): how Dovecot and Courier store
// non-ASCII folder names on disk (".&AMQ-rger" is "Ärger").
#pragma once

#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::maildir {

// UTF-8 -> modified UTF-7. Fails (ErrorKind::parse) on invalid UTF-8
// (overlong forms, surrogates, code points above U+10FFFF, truncation).
Result<std::string> utf8_to_modified_utf7(std::string_view utf8);

// Modified UTF-7 -> UTF-8. Strict: refuses what a conforming encoder never
// produces (printable ASCII inside a base64 run, "&" not written as "&-",
// padding bits set, unpaired surrogates), so that every name has one spelling.
Result<std::string> modified_utf7_to_utf8(std::string_view mutf7);

}  // namespace mailroom::maildir
