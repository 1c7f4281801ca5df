#include "mailroom/util/result.hpp"

#include <cstring>

namespace mailroom {

tl::unexpected<Error> fail(ErrorKind kind, std::string message, int sys_errno) {
  return tl::unexpected<Error>(Error{kind, std::move(message), sys_errno});
}

tl::unexpected<Error> fail_errno(ErrorKind kind, const std::string& what, int sys_errno) {
  return fail(kind, what + ": " + std::strerror(sys_errno), sys_errno);
}

}  // namespace mailroom
