#include "deliver/watchdog.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "mailroom/maildir/delivery.hpp"

namespace mailroom::deliver::watchdog {
namespace {

constexpr char kMessage[] =
    "mailroom: delivery deadline reached (deliver.deadline), try again later\n";

extern "C" void on_deadline(int /*signal*/) {
  maildir::unlink_staged_tmp_files_from_signal_handler();
  // A failed write cannot be reported from here; the exit code is what counts.
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  ::_exit(75);
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
