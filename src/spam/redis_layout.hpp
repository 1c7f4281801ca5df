// The layout of the Redis token store (redis_store.hpp) and what its
// reader (redis_store.cpp) and writer (redis_writer.cpp) share. Keys, all
// under the store's prefix P (spam.redis_prefix, %u expanded):
//   P"format"   "1": this layout (a later one is refused, not misread)
//   P"totals"   Totals, 21 bytes little-endian (17 without corrections)
//   P"tokens"   hash: 8-byte key (LE) -> TokenRecord, 12 bytes LE
//   P"weights"  the hashed weight table (store.hpp): kWeightSlots i16 in
//               one string, read with BITFIELD_RO #slot, so one command
//               reads the slots of a whole message (one round trip) and no
//               delivery moves the 8 MB table; a training writes its slots
//               with BITFIELD SET, a large one whole 64 KB chunks
//               (kWholeChunksFrom)
//   P"messages" hash: 32-byte digest -> 1-byte MessageClass
//   P"lock"     the writer's lock (a random token, SET NX PX)
// Little-endian explicitly: the hosts sharing a store need not share a
// byte order (LMDB's store is local and keeps host order).
//
// Isolation: a reader sends its reads as one MULTI/EXEC, which Redis runs
// with nothing in between, and a writer's changes reach Redis in one
// MULTI/EXEC at commit: a reader sees a training whole or not at all.
// Writers: one at a time per store by the lock key; a writer keeps its
// changes in this process until commit, and the commit's EXEC runs only if
// the lock is still its own (WATCH), so a writer that was paused past the
// lock's expiry cannot overwrite its successor's training. A trainer that
// dies holds the lock until it expires (kLockMillis) and leaves the last
// committed state: nothing of an uncommitted transaction was sent.
// Redis does not undo the other commands of an EXEC when one fails at run
// time; here only a key of the wrong type (a foreign program writing
// under our prefix) can make one fail, and the commit reports it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mailroom/spam/store.hpp"
#include "spam/redis_client.hpp"

namespace mailroom::spam::redis {

inline constexpr std::string_view kFormat = "1";
// BITFIELD's "GET i16" and "SET i16", formatted once (RESP).
inline constexpr std::string_view kGetI16 = "$3\r\nGET\r\n$3\r\ni16\r\n";
inline constexpr std::string_view kSetI16 = "$3\r\nSET\r\n$3\r\ni16\r\n";

// The keys of one store.
struct Keys {
  std::string format, totals, tokens, weights, messages, lock;
  explicit Keys(const std::string& p)
      : format(p + "format"),
        totals(p + "totals"),
        tokens(p + "tokens"),
        weights(p + "weights"),
        messages(p + "messages"),
        lock(p + "lock") {}
};

// The encodings (little-endian).
[[nodiscard]] std::string token_field(std::uint64_t key);
[[nodiscard]] std::string encode_record(const TokenRecord& r);
[[nodiscard]] TokenRecord decode_record(std::string_view in);
[[nodiscard]] std::string encode_totals(const Totals& t);
[[nodiscard]] Result<Totals> decode_totals(const redisReply& reply, const std::string& where);

// where: "spam store: redis HOST:PORT" (RedisClient::where).
[[nodiscard]] tl::unexpected<Error> store_error(const std::string& where, const std::string& what);
// A P"format" reply this mailroom reads (none yet, or kFormat).
[[nodiscard]] Status check_format(const redisReply& reply, const std::string& where);
// The commands reading `fields` of the tokens hash and the weight slots of
// `slots` (one HMGET, one BITFIELD_RO: read-only, so a replica serves it).
void append_reads(RedisClient& client, const Keys& k, std::span<const std::uint64_t> fields,
                  std::span<const std::size_t> slots);
// An array reply of `count` elements (HMGET, BITFIELD_RO), else an error.
[[nodiscard]] Status expect_array(const redisReply* reply, std::size_t count,
                                  const std::string& where);
// A BITFIELD GET i16 element: the slot's units.
[[nodiscard]] std::int16_t slot_value(const redisReply& element);

// The writer of the store whose lock holds `token` (redis_writer.cpp).
[[nodiscard]] std::unique_ptr<StoreWriter> make_writer(RedisClient& client, const Keys& keys,
                                                       std::string token);

}  // namespace mailroom::spam::redis
