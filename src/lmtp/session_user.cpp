#include "lmtp/session_user.hpp"

#include <sys/prctl.h>

#include <string>

#include "lmtp/worker.hpp"
#include "lmtp/worker_process.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/passwd.hpp"
#include "mailroom/util/privileges.hpp"

namespace mailroom::lmtp {

bool wants_session_user(const Config& config) {
  return !config.lmtp.session_user.empty() && WorkerPool::usable(config);
}

void warn_unused_session_user(const Config& config) {
  if (!config.lmtp.session_user.empty() && !wants_session_user(config))
    log::warn(
        "lmtp: lmtp.session_user {} not used: arc_seal, srs or dmarc_report.spool need files "
        "opened as root for each message; sessions stay root",
        config.lmtp.session_user);
}

Result<SessionIds> become_session_user(const Config& config) {
  const std::string& name = config.lmtp.session_user;
  auto entry = find_user_by_name(name);
  if (!entry) return tl::unexpected(entry.error());
  if (auto dropped = become_ids(name, entry->uid, entry->gid, config.users.allow_gid_0); !dropped)
    return tl::unexpected(dropped.error());
  // Already so after setresuid with the default fs.suid_dumpable = 0;
  // made sure of: the user must not ptrace or read the session that holds
  // the client's connection.
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    return fail_errno(ErrorKind::internal, "prctl(PR_SET_DUMPABLE)", errno);
  prepare_deliveries();
  return SessionIds{entry->uid, entry->gid};
}

std::optional<Reply> refuse_other_ids(std::string_view address, const deliver::MailUser& user,
                                      const SessionIds& ids) {
  if (user.uid == ids.uid && user.gid == ids.gid) return std::nullopt;
  log::error("lmtp: <{}> is uid {} gid {}, not lmtp.session_user's uid {} gid {}: not delivered",
             address, user.uid, user.gid, ids.uid, ids.gid);
  return Reply{451, "4.3.0",
               "<" + std::string(address) + ">: not of this server's mail uid, try again later"};
}

std::vector<Reply> deliver_in_session(const Transaction& message, const Config& config,
                                      Counters* counters, const LookedUp& looked_up) {
  std::vector<Reply> replies;
  replies.reserve(message.recipients.size());
  for (const auto& recipient : message.recipients) {
    const auto* user = looked_up_user(looked_up, recipient.user);
    if (user == nullptr) {  // accepted only once found: never so
      replies.push_back({451, "4.3.0", "user lookup lost, try again later"});
      continue;
    }
    replies.push_back(deliver_here(message, recipient, *user, config, counters));
  }
  return replies;
}

}  // namespace mailroom::lmtp
