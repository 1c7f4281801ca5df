// What of the message a Program may read. The delivery pipeline hands
// scripts that read only header fields a copy of the header block alone,
// not of the whole message (a 20 MB message is not copied, nor its MIME
// structure parsed, for a Subject rule).
#pragma once

#include "mailroom/sieve/program.hpp"

namespace mailroom::sieve {

// False only when every test and command is one known to read nothing but
// header fields, the envelope, variables, flags, folders and the size: a
// kind added later (an extension) counts as reading the body until it is
// added to the list in needs.cpp.
[[nodiscard]] bool reads_body(const Program& program);

}  // namespace mailroom::sieve
