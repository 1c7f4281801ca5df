// What every login process (POP3, ManageSieve) does around the password
// check (mailroom-serve(8), "Privileges"): hand the password to the
// listening process over `broker`, a SOCK_SEQPACKET socket, as
// "user NUL password"; the answer is "K" with the descriptor of the new
// session process attached, or "E" and a refusal word that each protocol
// words its own way. After a login it relays bytes between the client (TLS
// included) and the session.
#pragma once

#include <string>

#include "mailroom/net/limits.hpp"
#include "mailroom/net/tls.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::server {

enum class Refusal {
  none,
  password,   // "auth": wrong user name or password
  throttled,  // "throttled": too many failures from this address or for this user
  temporary,  // "temp": the password file cannot be read, or the session not started
};

// The listening process's side: the refusal word of `reason`.
[[nodiscard]] std::string_view refusal_word(Refusal reason);

struct BrokerAnswer {
  UniqueFd session;  // valid on success
  Refusal refusal = Refusal::none;
};

// One request, one answer; the answer carries the session's descriptor.
[[nodiscard]] Result<BrokerAnswer> ask_broker(int broker, const std::string& user,
                                              const std::string& password);

// After the login: bytes both ways until either side ends or the client is
// idle for limits.idle_timeout. `pipelined` (bytes the client sent after
// its login command) goes to the session first. Returns the exit status.
// `unauthenticated` (if given) is set when the session ended with
// send_unauthenticated(): the connection goes back to the login state.
int relay(net::Stream& client, int session, const std::string& pipelined, const net::Limits& limits,
          bool* unauthenticated = nullptr);

// The session's last reply after UNAUTHENTICATE (RFC 5804 section
// 2.14.1), sent with a descriptor attached: that tells the relay the
// session ended for the client to log in again, not for the connection
// to close. False when the login process is gone.
[[nodiscard]] bool send_unauthenticated(int login, std::string_view reply);

// Instead of relay() for a client without TLS: the client's socket and
// the broker's go to the session over `session` (SCM_RIGHTS, with
// `first`: the login's tag line and what was pipelined), and the login
// process ends. The session then talks to the client itself, one process
// per connection as Dovecot's plaintext imap (bench/serve: memory per idle
// connection); holding the broker socket, it keeps the connection counted
// against serve.max_connections_per_ip until it ends. Returns the exit
// status.
int hand_over(int session, int client, int broker, const std::string& first);

// The session's side: the first bytes from the login process, into
// `buffer`; `client` and `broker` are set when they came along. -1 on
// error, 0 at the end.
ssize_t receive_first(int login, char* buffer, std::size_t size, UniqueFd& client,
                      UniqueFd& broker);

}  // namespace mailroom::server
