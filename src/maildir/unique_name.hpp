// Maildir unique names (https://cr.yp.to/proto/maildir.html, with the
// Dovecot/Courier extensions): "<secs>.M<usec>P<pid>Q<n>.<host>" followed by
// ",S=<size>" (bytes on disk) and ",W=<size>" (size with CRLF line ends),
// which Dovecot trusts without reading the file (ORACLES.md).
#pragma once

#include <time.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mailroom::maildir::detail {

// '/' and ':' would split a file name or its info part; ',' would start a
// bogus field. They and every non-printable byte become \ooo (Maildir spec
// for '/' -> \057 and ':' -> \072). Capped at 64 output bytes so the whole
// file name stays far below NAME_MAX.
std::string sanitise_hostname(std::string_view host);

// The host of this machine (gethostname), sanitised; "localhost" if unknown.
std::string local_hostname();

// A fresh "<secs>.M<usec>P<pid>Q<n>.<host>": Q counts names made by this
// process, so two names from one process in the same microsecond differ.
std::string unique_base(const std::string& sanitised_host);

struct Sizes {
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> crlf_bytes;  // only when exact
};

// S= is the byte count; W= adds one byte per bare LF. W= is left out when a
// bare CR or a NUL appears: servers differ in how they count those, and a
// wrong W= is worse than none (Dovecot serves it as RFC822.SIZE).
Sizes measure(std::span<const std::string_view> pieces);

std::string with_sizes(const std::string& base, const Sizes& sizes);

// Test hooks: a fixed clock (nullptr = CLOCK_REALTIME) and the next Q value,
// so that tests can predict names and provoke collisions.
using Clock = timespec (*)();
void set_clock_for_testing(Clock clock);
void set_sequence_for_testing(std::uint64_t next);

// The S= value in a Maildir file name, if there is one.
std::optional<std::uint64_t> size_from_name(std::string_view name);

}  // namespace mailroom::maildir::detail
