// The sending child (send_child.hpp).
#include "dmarc_report/send_child.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "mailroom/util/log.hpp"

namespace mailroom::dmarc_report {

Status send_in_child(const SendOptions& options, const std::vector<std::string>& recipients,
                     const std::string& message, const std::string& what,
                     const std::function<Status()>& mark) {
  std::fflush(nullptr);  // NOLINT(cert-err33-c): nothing buffered must be written twice
  pid_t child = ::fork();
  if (child < 0) return fail_errno(ErrorKind::temporary, "fork", errno);
  if (child == 0) {
    auto sent = options.send(options.email, recipients, message);
    if (!sent) {
      log::warn("dmarc send: report for {} not sent: {}", what, sent.error().message);
      ::_exit(1);
    }
    auto marked = mark();
    if (!marked) log::error("dmarc send: sent but not marked: {}", marked.error().message);
    ::_exit(marked ? 0 : 2);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return fail_errno(ErrorKind::temporary, "waitpid", errno);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 1)
    return fail(ErrorKind::temporary, "sendmail did not take the report");
  if (WEXITSTATUS(status) != 0) return fail(ErrorKind::temporary, "sent, but the mark failed");
  return ok();
}

}  // namespace mailroom::dmarc_report
