#include "mailroom/util/result.hpp"

#include <cstring>

namespace mailroom {

tl::unexpected<Error> fail_errno(ErrorKind kind, const std::string& what, int sys_errno) {
  return fail(kind, what + ": " + std::strerror(sys_errno), sys_errno);
}

}  // namespace mailroom
