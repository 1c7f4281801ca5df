// Process hygiene before a delivery reads anything (issue 12, items 5, 9, 10).
#include <signal.h>
#include <unistd.h>

#include "deliver/watchdog.hpp"
#include "mailroom/deliver/deliver.hpp"
#include "mailroom/deliver/exit_code.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::deliver {
namespace {

// A copy of mailroom made setuid root let any user deliver into anyone's
// Maildir with -d. Environment, umask and descriptors of such a start belong
// to the caller, so nothing here trusts them: refuse, as Postfix's commands
// do (msg_fatal "... setuid or setgid ...").
bool started_setuid_or_setgid() noexcept {
  return ::getuid() != ::geteuid() || ::getgid() != ::getegid();
}

// The refusal of a set-id start, with the ids for the postmaster's log.
Outcome refuse_set_id_start() {
  std::string reason = "refusing to run setuid or setgid (real uid " + std::to_string(::getuid()) +
                       ", effective uid " + std::to_string(::geteuid()) + ", real gid " +
                       std::to_string(::getgid()) + ", effective gid " +
                       std::to_string(::getegid()) +
                       "): remove the set-id bits (chmod ug-s) and let the MTA run mailroom";
  log::init(LogConfig{});  // syslog unless stderr is a terminal: the admin must see it
  log::error("{}", reason);
  return Outcome{kExitTempFail, std::move(reason), enhanced_status_for(ErrorKind::config)};
}

}  // namespace

std::optional<Outcome> prepare_process() noexcept {
  if (started_setuid_or_setgid()) {
    try {
      return refuse_set_id_start();
    } catch (...) {  // out of memory: refuse all the same
      return Outcome{kExitTempFail, {}, enhanced_status_for(ErrorKind::config)};
    }
  }
  // Writes to a closed pipe fail with EPIPE instead; every write to stderr or
  // the log ignores its result, so the exit code stays what the delivery says.
  ::signal(SIGPIPE, SIG_IGN);
  watchdog::arm(DeliverConfig{}.deadline);
  return std::nullopt;
}

void arm_deadline(std::chrono::seconds deadline) noexcept { watchdog::arm(deadline); }

std::string outcome_line(const Outcome& outcome) {
  std::string line(outcome.status);
  if (!line.empty()) line += ' ';
  // The MTA copies this into its log and the bounce: one line.
  return line + "mailroom: " + log::escape_control_characters(outcome.reason);
}

}  // namespace mailroom::deliver
