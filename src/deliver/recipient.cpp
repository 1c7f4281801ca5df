#include "mailroom/deliver/recipient.hpp"

#include "deliver/users.hpp"

namespace mailroom::deliver {

Status find_recipient(const std::string& user, const Config& config) noexcept {
  try {
    auto found = resolve_user(user, config.users);
    if (!found) return tl::unexpected(found.error());
    return ok();
  } catch (...) {
    return fail(ErrorKind::temporary, "user lookup failed");
  }
}

Result<RecipientIds> recipient_ids(const std::string& user, const Config& config) noexcept {
  try {
    auto found = resolve_user(user, config.users);
    if (!found) return tl::unexpected(found.error());
    return RecipientIds{found->uid, found->gid};
  } catch (...) {
    return fail(ErrorKind::temporary, "user lookup failed");
  }
}

}  // namespace mailroom::deliver
