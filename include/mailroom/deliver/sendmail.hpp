// The MTA's sendmail interface as a public entry point: how deliver sends
// (redirect, vacation, notify) and how `mailroom dmarc send` mails reports.
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

}  // namespace mailroom::deliver
