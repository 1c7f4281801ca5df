#include "mailroom/deliver/recipient.hpp"

#include "deliver/users.hpp"

namespace mailroom::deliver {

Result<MailUser> find_recipient(const std::string& user, const Config& config) noexcept {
  try {
    return resolve_user(user, config.users);
  } catch (...) {
    return fail(ErrorKind::temporary, "user lookup failed");
  }
}

}  // namespace mailroom::deliver
