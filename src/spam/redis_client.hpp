// The Redis client moved to its own module (mailroom/redis/client.hpp) so
// that the DMARC reports use it too; its names as the store's code knows them.
#pragma once

#include "mailroom/redis/client.hpp"

namespace mailroom::spam {

using redis::free_reply;
using redis::is_nil;
using redis::RedisClient;
using redis::RedisCommand;
using redis::Reply;
using redis::reply_error;
using redis::reply_string;
using redis::ReplyFree;
using redis::use_compact_replies;

}  // namespace mailroom::spam
