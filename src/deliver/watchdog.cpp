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

extern "C" void on_deadline(int /*signal*/) {
  // enter_commit() holds SIGALRM off before the first link; this is the
  // second line: once a copy is linked, exiting 75 would make the MTA
  // deliver it again, so the delivery runs to its end.
  if (maildir::any_copy_linked_from_signal_handler()) return;
  maildir::unlink_staged_tmp_files_from_signal_handler();
  kill_lookup_helpers_from_signal_handler();  // a hung getent must not outlive us
  // A failed write cannot be reported from here; the exit code is what counts.
  [[maybe_unused]] auto status = ::write(STDERR_FILENO, kStatus.data(), kStatus.size());
  [[maybe_unused]] auto text = ::write(STDERR_FILENO, kMessage.data(), kMessage.size());
  ::_exit(kExitTempFail);
}

}  // namespace

void arm(std::chrono::seconds deadline) noexcept {
  struct sigaction action {};
  action.sa_handler = on_deadline;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGALRM, &action, nullptr);
  ::alarm(static_cast<unsigned>(deadline.count() > 0 ? deadline.count() : 1));
}

void enter_commit() noexcept {
  sigset_t alarm_set;
  sigemptyset(&alarm_set);
  sigaddset(&alarm_set, SIGALRM);
  // Block first, so a deadline that fires now waits; then make it harmless.
  ::sigprocmask(SIG_BLOCK, &alarm_set, nullptr);
  ::alarm(0);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGALRM, &ignore, nullptr);
}

}  // namespace mailroom::deliver::watchdog
