// Envelope addresses come from the MTA's command line and environment and
// are copied into Return-Path:/Delivered-To: and the log line: a CR or LF in
// one would start a new header field above ours (a forged
// Authentication-Results: with our authserv-id) or split the log line.
#pragma once

#include "deliver/envelope.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// Refuses (ErrorKind::usage, exit 64) an envelope whose sender or
// recipients hold a control character (C0, NUL included, or DEL): no
// address has one (RFC 5321 §4.1.2, RFC 6531 §3.3), so it is an injection
// attempt or a broken MTA setup, never mail to keep.
[[nodiscard]] Status check_envelope(const Envelope& envelope);

}  // namespace mailroom::deliver
