// Becoming a session process (mailroom-serve(8), "Privileges"): after
// fork() from the listening process, a child keeps only the descriptors it
// needs, forgets the listener's signal handling, and gives up root for
// good before it reads a byte from the client or a file of the user.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::server {

// Moves `keep` to descriptors 3, 4, ... (in order) and closes every other
// descriptor above 2; logging goes to stderr from here on, because the
// syslog socket's number is about to be reused. Resets signals, makes the
// process undumpable (no ptrace by other processes of the same uid) and
// caps its address space at `memory` bytes (the hard limit at `headroom`
// more, which only its children may take up: the spawner's IMAP sessions).
void enter_child(std::initializer_list<int> keep, const LogConfig& log, std::uint64_t memory,
                 std::uint64_t headroom = 0);

// Writes all of `bytes` to a socket (EINTR retried, no SIGPIPE); false
// when the peer is gone.
[[nodiscard]] bool send_all(int fd, std::string_view bytes);

// sendmsg of `bytes` with up to two descriptors attached (SCM_RIGHTS; the
// caller still owns and closes them): the octets sent, -1 on error.
[[nodiscard]] ssize_t send_with_fds(int socket, std::string_view bytes,
                                    std::initializer_list<int> fds);

// recvmsg into `buffer`; descriptors that came along go to `first` and
// `second` (a third is closed). -1 on error, 0 at the end.
[[nodiscard]] ssize_t receive_with_fds(int socket, char* buffer, std::size_t size, UniqueFd& first,
                                       UniqueFd& second);

}  // namespace mailroom::server
