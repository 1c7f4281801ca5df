#include "server/account.hpp"

#include <algorithm>

#include "mailroom/server/passdb.hpp"
#include "mailroom/util/passwd.hpp"

namespace mailroom::server {
namespace {

constexpr std::size_t kMaxUserName = 256;

// A name that could mean a path or another record is nobody's name.
bool plausible_name(std::string_view user) {
  return !user.empty() && user.size() <= kMaxUserName && user != "." && user != ".." &&
         std::none_of(user.begin(), user.end(), [](char c) {
           return c == '/' || c == ':' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

}  // namespace

Result<Account> authenticate(const Config& config, std::string_view user,
                             std::string_view password) {
  auto rejected = [] { return fail(ErrorKind::rejected, "invalid user name or password"); };
  if (!plausible_name(user)) {
    burn_password_check(password);
    return rejected();
  }
  auto entry = find_passdb_user(config.serve.passdb, user);
  if (!entry && entry.error().kind == ErrorKind::no_user) {
    burn_password_check(password);
    return rejected();
  }
  if (!entry) return tl::unexpected(entry.error());
  if (!verify_password(entry->password, password)) return rejected();
  Account account;
  account.name = entry->name;
  std::string home = entry->home;
  if (!entry->uid || !entry->gid || home.empty()) {
    auto system = find_user_by_name(entry->name);
    if (!system)
      return fail(ErrorKind::config,
                  "passdb user " + entry->name + " has no uid/gid/home and is no system user");
    account.uid = entry->uid.value_or(system->uid);
    account.gid = entry->gid.value_or(system->gid);
    if (home.empty()) home = system->home;
  } else {
    account.uid = *entry->uid;
    account.gid = *entry->gid;
  }
  account.maildir = expand_user_path(config.users.maildir, home, account.name);
  account.home = home;
  return account;
}

}  // namespace mailroom::server
