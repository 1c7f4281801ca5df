// The Redis token store (redis_store.hpp): its reads and the writers' lock;
// the layout and why readers never see half a training: redis_layout.hpp.
#include "mailroom/spam/redis_store.hpp"

#include <hiredis/hiredis.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <thread>

#include "spam/redis_layout.hpp"

namespace mailroom::spam {
namespace {

using namespace redis;  // NOLINT(google-build-using-namespace): the store's own layout

// A lock outlives any batch of learn_files (256 messages, well under a
// second of work); a trainer killed while holding it blocks the others
// this long.
constexpr std::int64_t kLockMillis = 30'000;
// A writer waits this long for another's lock: past its expiry, so that a
// dead trainer's lock never fails a learn.
constexpr std::chrono::milliseconds kLockWait{kLockMillis + 5'000};
constexpr std::chrono::milliseconds kLockPoll{20};
// A writer (learn, IMAP training) waits this long for each reply at least:
// a commit of a batch of messages takes the server longer than one
// scoring read, and no delivery waits for a trainer.
constexpr std::chrono::milliseconds kWriterTimeout{10'000};

// 16 random bytes in hex: a lock token no other writer has.
std::string lock_token() {
  std::array<unsigned char, 16> bytes{};
  if (::getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size()))
    bytes.fill(0);  // then the pid and time below still tell writers apart
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out + "." + std::to_string(::getpid()) + "." +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

class RedisStore final : public TokenStore {
 public:
  RedisStore(RedisClient client, const std::string& prefix, std::chrono::milliseconds timeout)
      : client_(std::move(client)), keys_(prefix), timeout_(timeout) {}

  // One MULTI/EXEC: Redis runs the reads with no write in between.
  Result<Snapshot> read(std::span<const std::uint64_t> keys, std::size_t counted) override {
    counted = std::min(counted, keys.size());
    std::vector<std::size_t> slots;
    slots.reserve(keys.size() - counted);
    for (std::size_t i = counted; i < keys.size(); ++i) slots.push_back(weight_slot(keys[i]));
    client_.append(RedisCommand("MULTI"));
    client_.append(RedisCommand("GET").arg(keys_.format));
    client_.append(RedisCommand("GET").arg(keys_.totals));
    append_reads(client_, keys_, keys.first(counted), slots);
    const std::size_t inside = 2 + (counted > 0 ? 1 : 0) + (slots.empty() ? 0 : 1);
    client_.append(RedisCommand("EXEC"));
    auto replies = client_.replies(inside + 2);
    if (!replies) return tl::unexpected(replies.error());
    const redisReply& exec = *replies->back();
    if (auto fine = expect_array(&exec, inside, client_.where()); !fine)
      return tl::unexpected(fine.error());
    if (auto fine = check_format(*exec.element[0], client_.where()); !fine)
      return tl::unexpected(fine.error());
    auto totals = decode_totals(*exec.element[1], client_.where());
    if (!totals) return tl::unexpected(totals.error());
    Snapshot snap{*totals, {}};
    snap.records.reserve(keys.size());
    std::size_t at = 2;
    if (counted > 0) {
      const redisReply* hmget = exec.element[at++];
      if (auto fine = expect_array(hmget, counted, client_.where()); !fine)
        return tl::unexpected(fine.error());
      for (std::size_t i = 0; i < counted; ++i)
        snap.records.push_back(decode_record(reply_string(*hmget->element[i])));
    }
    if (!slots.empty()) {
      const redisReply* bits = exec.element[at];
      if (auto fine = expect_array(bits, slots.size(), client_.where()); !fine)
        return tl::unexpected(fine.error());
      for (std::size_t i = 0; i < slots.size(); ++i)
        snap.records.push_back(TokenRecord{
            0, 0, weight_sign(keys[counted + i]) * weight_of(slot_value(*bits->element[i]))});
    }
    return snap;
  }

  // SET lock NX PX: one writer at a time; the others poll until it is let
  // go or expires.
  [[nodiscard]] bool local() const noexcept override { return false; }

  Result<std::unique_ptr<StoreWriter>> write() override {
    std::string token = lock_token();
    const auto deadline = std::chrono::steady_clock::now() + kLockWait;
    for (;;) {
      auto reply = client_.call(
          RedisCommand("SET").arg(keys_.lock).arg(token).arg("NX").arg("PX").arg(kLockMillis));
      if (!reply) return tl::unexpected(reply.error());
      if (auto error = reply_error(**reply); !error.empty())
        return store_error(client_.where(), "lock: " + error);
      if (!is_nil(**reply)) {
        if (auto set = client_.set_timeout(std::max(timeout_, kWriterTimeout)); !set)
          return tl::unexpected(set.error());
        return make_writer(client_, keys_, std::move(token));
      }
      if (std::chrono::steady_clock::now() >= deadline)
        return store_error(client_.where(), "another trainer holds " + keys_.lock);
      std::this_thread::sleep_for(kLockPoll);
    }
  }

 private:
  RedisClient client_;
  Keys keys_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

Result<std::unique_ptr<TokenStore>> open_redis_store(std::string_view url,
                                                     const std::string& prefix,
                                                     std::chrono::milliseconds timeout) {
  auto address = parse_redis_url(url);
  if (!address) return tl::unexpected(address.error());
  auto client = RedisClient::connect(*address, timeout, "spam store");
  if (!client) return tl::unexpected(client.error());
  return std::unique_ptr<TokenStore>(
      std::make_unique<RedisStore>(std::move(*client), prefix, timeout));
}

}  // namespace mailroom::spam
