#include "deliver/watchdog.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "mailroom/deliver/exit_code.hpp"
#include "mailroom/maildir/delivery.hpp"
#include "mailroom/util/passwd.hpp"

namespace mailroom::deliver::watchdog {
namespace {

// The RFC 3463 code first (Postfix reads it from the start of the output).
constexpr std::string_view kStatus = enhanced_status_for(ErrorKind::temporary, ETIMEDOUT);
constexpr std::string_view kMessage =
    " mailroom: delivery deadline reached (deliver.deadline), try again later\n";

// After a link, how often a call that still blocks is interrupted (EINTR).
constexpr unsigned kAfterLinkInterruptSeconds = 1;

extern "C" void on_deadline(int /*signal*/) {
  const int saved_errno = errno;
  if (maildir::any_copy_linked_from_signal_handler()) {
    // Delivered: exiting 75 now would duplicate the message on retry. The
    // signal itself interrupts the blocked call (no SA_RESTART); the next
    // one comes a second later in case something blocks again.
    ::alarm(kAfterLinkInterruptSeconds);
    errno = saved_errno;
    return;
  }
  maildir::unlink_staged_tmp_files_from_signal_handler();
  kill_lookup_helpers_from_signal_handler();  // a hung getent must not outlive us
  // A failed write cannot be reported from here; the exit code is what counts.
  [[maybe_unused]] auto status = ::write(STDERR_FILENO, kStatus.data(), kStatus.size());
  [[maybe_unused]] auto text = ::write(STDERR_FILENO, kMessage.data(), kMessage.size());
  ::_exit(kExitTempFail);
}

}  // namespace

void arm(std::chrono::seconds deadline) noexcept {
  // Nothing else in mailroom sets SIGALRM's action, so one sigaction(2) a
  // process is enough (one system call less a message in an LMTP session).
  static bool installed = false;
  if (!installed) {
    struct sigaction action {};
    action.sa_handler = on_deadline;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocked call must return EINTR
    installed = ::sigaction(SIGALRM, &action, nullptr) == 0;
  }
  ::alarm(static_cast<unsigned>(deadline.count() > 0 ? deadline.count() : 1));
}

}  // namespace mailroom::deliver::watchdog
