// The one way a delivery sends mail: the MTA's sendmail interface
// (sieve.sendmail), for redirect, vacation replies and notifications.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/deliver/sendmail.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// Writes all of `data`; false on an error or when interrupted (EINTR is
// the watchdog's: past the deadline, giving up is what keeps a hung
// sendmail or disk from hanging the delivery).
[[nodiscard]] bool write_all(int fd, std::string_view data);

}  // namespace mailroom::deliver
