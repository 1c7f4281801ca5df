// systemd socket activation (sd_listen_fds(3), without libsystemd): when
// LISTEN_PID names this process, LISTEN_FDS listening sockets start at
// descriptor 3. The environment variables are removed once read, so no
// child process takes the sockets for its own.
#pragma once

#include <vector>

namespace mailroom::net {

// The descriptors passed (close-on-exec set), or none.
[[nodiscard]] std::vector<int> take_activation_sockets();

}  // namespace mailroom::net
