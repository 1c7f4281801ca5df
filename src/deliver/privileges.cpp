#include "deliver/privileges.hpp"

#include "mailroom/util/privileges.hpp"

namespace mailroom::deliver {

Status become_user(const MailUser& user, bool allow_gid_0) {
  return become_ids(user.name, user.uid, user.gid, allow_gid_0);
}

}  // namespace mailroom::deliver
