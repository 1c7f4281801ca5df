// Passwords of system users through PAM (serve.passdb = "pam:SERVICE"):
// the listening process runs the helper mailroom-pam-auth (passdb/
// pam_helper_main.cpp says why a helper) for each login, without waiting
// for it: PAM may take seconds (pam_unix delays failures), and other
// connections go on meanwhile.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include <boost/asio.hpp>

#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"
#include "server/account.hpp"

namespace mailroom::server {

// The PAM service of a "pam:SERVICE" passdb ("pam" alone: "mailroom");
// nullopt for a password file.
[[nodiscard]] std::optional<std::string> pam_service(const std::string& passdb);

// serve.pam_helper, or the installed helper when it is empty.
[[nodiscard]] std::string pam_helper_path(const Config& config);

// ErrorKind::rejected for a wrong password, an unknown user or an account
// PAM refuses; temporary when PAM or the helper fails. The account is the
// system user's (uid, gid, home from NSS).
[[nodiscard]] boost::asio::awaitable<Result<Account>> pam_login(boost::asio::io_context& io,
                                                                const Config& config,
                                                                std::string ip, std::string user,
                                                                std::string password);

}  // namespace mailroom::server
