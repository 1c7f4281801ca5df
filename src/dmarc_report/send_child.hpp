// Handing a report to sendmail from a child process that marks it sent
// (send.hpp, "Exactly once"): a kill of `dmarc send` between sendmail's
// exit and the mark cannot lose the mark, since the child finishes alone.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mailroom/dmarc_report/send.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::dmarc_report {

// Sends `message` to `recipients` with options.send in a child, which runs
// `mark` once sendmail took it. ErrorKind::temporary when sendmail did not
// take it (nothing marked) or the mark failed; `what` names the report in
// the log.
[[nodiscard]] Status send_in_child(const SendOptions& options,
                                   const std::vector<std::string>& recipients,
                                   const std::string& message, const std::string& what,
                                   const std::function<Status()>& mark);

}  // namespace mailroom::dmarc_report
