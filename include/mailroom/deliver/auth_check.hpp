// `mailroom auth check`'s entry point: the authentication stage of
// `deliver` run on one message file for a person, nothing stored. The CLI
// fills a request from argv and prints the report; nothing thrown crosses
// this boundary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mailroom/auth/authenticate.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

struct AuthCheckRequest {
  std::string message_path;
  std::string client_ip;              // --ip, an address (the CLI checks it); empty: no SPF
  std::string helo;                   // --helo
  std::optional<std::string> sender;  // --from as typed; nullopt: the file's From_ line, if any
  std::string dns_server;             // --dns; empty: auth.dns_server, else resolv.conf
};

struct AuthCheckReport {
  auth::AuthResults results;       // header_value is the field mailroom would add
  std::vector<std::string> lines;  // what each check found, in words
};

// Errors: ErrorKind::usage when the file cannot be opened, others when it
// cannot be read. DNS failures are not errors: they are in the report,
// named as failures here (which server was asked), not the sender's.
[[nodiscard]] Result<AuthCheckReport> check_message_file(const AuthCheckRequest& request,
                                                         Config config) noexcept;

}  // namespace mailroom::deliver
