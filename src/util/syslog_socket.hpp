// A syslog client that writes straight to the local socket (/dev/log)
// instead of through syslog(3).
//
// Why not syslog(3): glibc stamps every message with the local time, and the
// first stamp of a process reads and parses /etc/localtime (six system calls
// and the time-zone code, about 3 % of a whole `deliver` run, measured with
// bench/deliver). The local receivers (systemd-journald, rsyslog's imuxsock,
// syslog-ng) stamp a message when it arrives, and RFC 3164 §4.3.2 lets a
// message without a TIMESTAMP through: the receiver adds one. So the message
// is "<PRI>ident[pid]: text", without one.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::log::detail {

// RFC 5424 §6.2.1 severities (the numbers of <syslog.h>).
enum class Severity : int { crit = 2, err = 3, warning = 4, info = 6, debug = 7 };

class SyslogSocket {
 public:
  // `facility` is a <syslog.h> LOG_* facility (already shifted, e.g. LOG_MAIL).
  SyslogSocket(std::string ident, int facility, std::string path = "/dev/log");

  // Sends one message; false when no receiver took it. Never throws. Connects
  // on first use and again when the receiver went away (it was restarted).
  bool send(Severity severity, std::string_view text) noexcept;

  // The datagram send() writes, without the stream terminator (for tests).
  [[nodiscard]] std::string format(Severity severity, std::string_view text) const;

 private:
  bool connect() noexcept;
  bool write(const std::string& packet) noexcept;

  std::string ident_;
  int facility_;
  std::string path_;
  UniqueFd fd_;
  bool stream_ = false;  // the receiver listens on SOCK_STREAM (some syslog-ng setups)
};

}  // namespace mailroom::log::detail
