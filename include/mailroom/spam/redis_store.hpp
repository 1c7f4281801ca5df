// The token store on Redis (issue 14: "Sites with several MX hosts share
// one store on Redis"): the TokenStore interface of store.hpp over one
// Redis server that every host's deliver, learn, score and IMAP session
// reach by TCP. Needs Redis 6.2 or later (BITFIELD_RO, so that a read-only
// replica can serve the scoring reads too).
// Measured (bench/spam-eval/redis-compare, 2,000 corpus messages learnt,
// messages of 3.5-4.5 KB scored, CPU): `mailroom score` 1.56 ms in the
// client and 0.95 ms in the server, LMDB 1.46 ms, no store 0.69 ms;
// `mailroom learn` 1,161 messages per client CPU second (763 counting the
// server's), LMDB 1,360.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mailroom/redis/client.hpp"
#include "mailroom/spam/store.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::spam {

// The client is shared with the DMARC reports (mailroom/redis/client.hpp).
using redis::RedisAddress;
[[nodiscard]] inline Result<RedisAddress> parse_redis_url(std::string_view url) {
  return redis::parse_redis_url(url, "spam.store");
}

// The store whose keys start with `prefix` on the server at `url`;
// connecting and every reply wait at most `timeout` (ErrorKind::temporary
// past it). Nothing is created before the first commit.
[[nodiscard]] Result<std::unique_ptr<TokenStore>> open_redis_store(
    std::string_view url, const std::string& prefix, std::chrono::milliseconds timeout);

}  // namespace mailroom::spam
