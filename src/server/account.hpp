// Who a login becomes: the passdb entry, completed from the system user of
// the same name where uid, gid or home are empty (as Dovecot's userdb).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::server {

struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string maildir;  // users.maildir with ~ and %u expanded
  std::string home;     // for ManageSieve's ~/sieve and ~/.dovecot.sieve
};

// ErrorKind::rejected for a wrong password or unknown user (the same
// answer and, through burn_password_check, the same time); temporary when
// the password file cannot be read.
[[nodiscard]] Result<Account> authenticate(const Config& config, std::string_view user,
                                           std::string_view password);

}  // namespace mailroom::server
