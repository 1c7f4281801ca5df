// Errors as values (STYLE.md, "Errors and exit codes"): every fallible call on
// the per-message path returns Result<T>. The type is [[nodiscard]], so the
// compiler refuses a dropped error (-Werror=unused-result).
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace mailroom {

// What kind of failure this is decides the exit code the MTA sees
// (deliver/exit_code.hpp maps it in one place).
enum class ErrorKind {
  temporary,  // retry later may succeed: I/O, locks, DNS, deadlines (EX_TEMPFAIL)
  no_user,    // recipient does not exist (EX_NOUSER)
  rejected,   // refused by policy: size, quota, a rule (EX_NOPERM)
  usage,      // bad command line (EX_USAGE)
  config,     // bad configuration; transient for deliveries: the admin fixes it
  parse,      // untrusted input did not parse; callers decide how to degrade
  limit,      // untrusted input exceeded a configured limit
  internal,   // broken invariant or unexpected exception; transient for deliveries
  data,       // the input is not a message at all (empty): EX_DATAERR, retrying cannot help
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;  // for the postmaster: what failed and, if we know, a hint
  int sys_errno = 0;    // errno of the failing system call, 0 if none
};

template <class T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using tl::expected<T, Error>::expected;
  Result(tl::expected<T, Error> other) : tl::expected<T, Error>(std::move(other)) {}  // NOLINT
};

using Status = Result<void>;

// Cold (out of line): GCC predicts the blocks that can only end in a call
// of a cold function as never run and moves them, with the error message
// built there, out of the function's hot text (into .text.unlikely), so
// that a delivery touches fewer pages of code.
[[nodiscard, gnu::cold]] tl::unexpected<Error> fail(ErrorKind kind, std::string message,
                                                    int sys_errno = 0);

// Error from a failed system call: "what: strerror(errno)".
[[nodiscard, gnu::cold]] tl::unexpected<Error> fail_errno(ErrorKind kind, const std::string& what,
                                                          int sys_errno);

[[nodiscard]] inline Status ok() { return {}; }

}  // namespace mailroom
