// A small blocking Redis client over hiredis, for the spam token store
// (spam.store) and the merged DMARC reports (dmarc_report.redis): commands are queued (append) and
// their replies read in one go (replies), so a whole snapshot or commit is one round trip
// (pipelining). The caller ignores SIGPIPE (deliver, learn/score and serve do): hiredis writes with
// write(2), and a server gone mid-write must be an error value.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

struct redisContext;
struct redisReply;

namespace mailroom::redis {

// "redis://HOST[:PORT][/DB]": HOST an IPv4 address, an IPv6 address in
// brackets or "localhost" (the static mailroom uses no NSS, so no name
// lookups: util/passwd.cpp), PORT 6379 by default, DB 0 by default.
struct RedisAddress {
  std::string host;  // numeric
  std::uint16_t port = 6379;
  unsigned db = 0;
};
// Errors (ErrorKind::config) start with the config key `key` that held `url`.
[[nodiscard]] Result<RedisAddress> parse_redis_url(std::string_view url, std::string_view key);

// Replies whose array elements live in one block with the array's element
// pointers (redis_reply.cpp): `context` makes its replies so, free_reply
// frees one (not hiredis's freeReplyObject).
void use_compact_replies(redisContext* context);
void free_reply(void* reply);

struct ReplyFree {
  void operator()(redisReply* reply) const noexcept;
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

// One command, binary-safe, formatted in the protocol (RESP) as its
// arguments come: a scoring read has thousands of them, and hiredis's own
// formatting (sdscatfmt per argument) cost more CPU than the rest of the
// read (callgrind: 2.5 of 7.6 million instructions of `mailroom score`).
class RedisCommand {
 public:
  explicit RedisCommand(std::string_view name) { arg(name); }
  RedisCommand& arg(std::string_view bytes);
  RedisCommand& arg(std::int64_t number);
  // One argument `prefix` followed by `number` in decimal ("#12", BITFIELD's
  // slot offsets), with no allocation.
  RedisCommand& arg(char prefix, std::uint64_t number);
  // `args` arguments already in the protocol ("$3\r\nGET\r\n"): the ones
  // repeated per slot are formatted once.
  RedisCommand& formatted(std::string_view resp, std::size_t args) {
    body_.append(resp.data(), resp.size());
    count_ += args;
    return *this;
  }
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  void reserve(std::size_t bytes) { body_.reserve(bytes); }

 private:
  friend class RedisClient;
  std::string body_;  // "$<length>\r\n<bytes>\r\n" per argument
  std::size_t count_ = 0;
};

class RedisClient {
 public:
  // Connects (non-blocking connect, at most `timeout`) and selects the db.
  // Error messages start with `user` ("spam store"), then the server.
  [[nodiscard]] static Result<RedisClient> connect(const RedisAddress& address,
                                                   std::chrono::milliseconds timeout,
                                                   std::string_view user);
  RedisClient(RedisClient&&) noexcept;
  RedisClient& operator=(RedisClient&&) noexcept;
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;
  ~RedisClient();

  // Queues a command; nothing is sent before replies().
  void append(const RedisCommand& command);
  // Sends what is queued and reads the replies of the `count` commands
  // queued since the last call. An error reply is a reply (the caller
  // checks); a lost connection or timeout is an error.
  [[nodiscard]] Result<std::vector<Reply>> replies(std::size_t count);
  // append + replies(1).
  [[nodiscard]] Result<Reply> call(const RedisCommand& command);

  [[nodiscard]] const std::string& where() const noexcept { return where_; }
  // The wait for each reply from now on.
  [[nodiscard]] Status set_timeout(std::chrono::milliseconds timeout);

 private:
  RedisClient(redisContext* context, std::string where, std::chrono::milliseconds timeout)
      : context_(context), where_(std::move(where)), timeout_(timeout) {}
  [[nodiscard]] tl::unexpected<Error> io_error(const char* what) const;

  redisContext* context_ = nullptr;
  std::string where_;  // "spam store: redis 127.0.0.1:6379", for messages
  std::chrono::milliseconds timeout_;
  std::size_t queued_ = 0;
};

// Reply checks: the error text of an error reply, else "".
[[nodiscard]] std::string reply_error(const redisReply& reply);
[[nodiscard]] bool is_nil(const redisReply& reply) noexcept;
[[nodiscard]] std::string_view reply_string(const redisReply& reply) noexcept;

}  // namespace mailroom::redis
