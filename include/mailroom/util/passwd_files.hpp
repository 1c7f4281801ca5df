// The static build's user lookup, without glibc's NSS (see passwd.hpp for
// why): when nsswitch.conf asks "files" first (Debian's default, "files
// systemd"), /etc/passwd is read here, as glibc's files module does; any
// other answer comes from getent(1), a dynamically linked program that runs
// the real NSS stack in its own process. Compiled only when MAILROOM_STATIC.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "mailroom/util/passwd.hpp"

namespace mailroom {

// Where the lookups read; tests point them elsewhere.
struct PasswdSources {
  std::string nsswitch_conf = "/etc/nsswitch.conf";
  std::string passwd_file = "/etc/passwd";
  std::string getent = "/usr/bin/getent";
  // getent's answer is one line; more than this is a broken service.
  std::size_t getent_max_output = std::size_t{1} << 20;
  // A name service that does not answer in this time is down (tempfail).
  std::chrono::milliseconds getent_timeout{60000};
};

[[nodiscard]] Result<PasswdEntry> find_user_by_name(std::string_view name,
                                                    const PasswdSources& sources);
[[nodiscard]] Result<PasswdEntry> find_user_by_uid(uid_t uid, const PasswdSources& sources);

// How nsswitch.conf's "passwd:" line is followed (nsswitch.conf(5)).
struct PasswdPlan {
  bool files_first = true;          // /etc/passwd is asked before anything else
  bool ask_getent_on_miss = false;  // other services follow a miss in files
};
[[nodiscard]] PasswdPlan plan_from_nsswitch(std::string_view nsswitch_text);

// One /etc/passwd line (passwd(5)); an error for comments, NIS "+"/"-"
// entries and malformed lines.
[[nodiscard]] Result<PasswdEntry> parse_passwd_line(std::string_view line);

}  // namespace mailroom
