// The one way a delivery sends mail: the MTA's sendmail interface
// (sieve.sendmail), for redirect, vacation replies and notifications.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// Runs `command` (split at spaces, no shell; %f = `sender`, "" for the
// null reverse-path <>; %a = the recipients, one argument each) with
// `head` then `body` on its standard input. ErrorKind::temporary unless
// it exits 0.
[[nodiscard]] Status run_sendmail(const std::string& command, const std::string& sender,
                                  const std::vector<std::string>& recipients, std::string_view head,
                                  std::string_view body);

// Writes all of `data`; false on an error or when interrupted (EINTR is
// the watchdog's: past the deadline, giving up is what keeps a hung
// sendmail or disk from hanging the delivery).
[[nodiscard]] bool write_all(int fd, std::string_view data);

}  // namespace mailroom::deliver
