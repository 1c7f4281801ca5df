// What every login process does around the password check
// (mailroom-serve(8), "Privileges"): ask the listener, and after a login
// relay bytes between the client (TLS included) and the session process.
#pragma once

#include <chrono>
#include <string>

#include "mailroom/net/tls.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::server {

struct BrokerAnswer {
  UniqueFd session;   // valid on success
  std::string reply;  // the listener's refusal otherwise (POP3 wording: "-ERR [AUTH] ...")
};

// One request ("user NUL password" over the SOCK_SEQPACKET `broker`), one
// answer; the answer carries the session's descriptor.
[[nodiscard]] Result<BrokerAnswer> ask_broker(int broker, const std::string& user,
                                              const std::string& password);

// Bytes both ways until either side ends or the client is idle for
// `idle`; `pipelined` (what the client sent after its login) goes first.
// Returns the exit status of the login process (0).
int relay(net::Stream& client, int session, const std::string& pipelined,
          std::chrono::milliseconds idle);

}  // namespace mailroom::server
