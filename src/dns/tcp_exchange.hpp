// One DNS question over TCP (RFC 7766, RFC 1035 §4.2.2): connect, send the
// message behind its two-byte length, read the answer the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "dns/name_servers.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::dns::detail {

// The answer's bytes, or ErrorKind::temporary (refused, reset, `until`
// passed). Every step is non-blocking and bounded by `until`.
[[nodiscard]] Result<std::vector<std::uint8_t>> tcp_exchange(
    const NameServer& server, std::span<const std::uint8_t> query,
    std::chrono::steady_clock::time_point until);

}  // namespace mailroom::dns::detail
