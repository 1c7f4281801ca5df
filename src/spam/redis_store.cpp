// The Redis token store (redis_store.hpp). Keys, all under the store's
// prefix P (spam.redis_prefix, %u expanded):
//   P"format"   "1": this layout (a later one is refused, not misread)
//   P"totals"   Totals, 17 bytes little-endian
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
#include <sys/random.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>

#include "mailroom/spam/redis_store.hpp"
#include "spam/redis_client.hpp"

// hiredis's reply type is needed to walk replies; the constants are its.
#include <hiredis/hiredis.h>

namespace mailroom::spam {
namespace {

constexpr std::string_view kFormat = "1";
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
// A commit that changes at least this many slots of the weight table
// reads the 64 KB chunks holding them (GETRANGE), patches them here and
// writes them back whole (SETRANGE), instead of one BITFIELD SET per slot:
// a batch of 100 messages changes ~250,000 slots, 11 MB and a million
// arguments of BITFIELD that Redis took more than 200 ms to parse (while
// every delivery's read waited), against 16 MB of plain copies.
constexpr std::size_t kChunkSlots = std::size_t{1} << 15;
constexpr std::size_t kChunkBytes = kChunkSlots * sizeof(std::int16_t);
constexpr std::size_t kWholeChunksFrom = 32'768;
// Arguments per command: Redis takes far more, but smaller commands keep
// the server's other clients (deliveries reading) from waiting long.
constexpr std::size_t kPerCommand = 1024;

// BITFIELD's "GET i16" and "SET i16", formatted once (RESP).
constexpr std::string_view kGetI16 = "$3\r\nGET\r\n$3\r\ni16\r\n";
constexpr std::string_view kSetI16 = "$3\r\nSET\r\n$3\r\ni16\r\n";

constexpr std::size_t kTotalsSize = 17;
constexpr std::size_t kRecordSize = 12;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}
std::uint32_t get_u32(std::string_view in, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
  return v;
}
std::uint32_t float_bits(float f) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}
float bits_float(std::uint32_t bits) {
  float f = 0;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::string token_field(std::uint64_t key) {
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(key));
  put_u32(out, static_cast<std::uint32_t>(key >> 32));
  return out;
}

std::string encode_record(const TokenRecord& r) {
  std::string out;
  put_u32(out, r.spam);
  put_u32(out, r.ham);
  put_u32(out, float_bits(r.weight));
  return out;
}

TokenRecord decode_record(std::string_view in) {
  if (in.size() != kRecordSize) return {};
  return {get_u32(in, 0), get_u32(in, 4), bits_float(get_u32(in, 8))};
}

std::string encode_totals(const Totals& t) {
  std::string out;
  put_u32(out, t.spam);
  put_u32(out, t.ham);
  put_u32(out, float_bits(t.bias));
  put_u32(out, t.switches);
  out.push_back(static_cast<char>(t.last_class));
  return out;
}

Result<Totals> decode_totals(const redisReply& reply, const std::string& where) {
  if (is_nil(reply)) return Totals{};
  const std::string_view in = reply_string(reply);
  if (in.size() != kTotalsSize) return fail(ErrorKind::temporary, where + ": bad totals");
  return Totals{get_u32(in, 0), get_u32(in, 4), bits_float(get_u32(in, 8)), get_u32(in, 12),
                static_cast<std::uint8_t>(in[16])};
}

// where: "spam store: redis HOST:PORT" (RedisClient::where).
tl::unexpected<Error> store_error(const std::string& where, const std::string& what) {
  return fail(ErrorKind::temporary, where + ": " + what);
}

Status check_format(const redisReply& reply, const std::string& where) {
  if (is_nil(reply) || reply_string(reply) == kFormat) return ok();
  return store_error(where, "format \"" + std::string(reply_string(reply)) +
                                "\" is not one this mailroom reads (1)");
}

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

// The commands reading `fields` of the tokens hash and the weight slots of
// `slots` (one HMGET, one BITFIELD_RO: read-only, so a replica serves it).
void append_reads(RedisClient& client, const Keys& k, std::span<const std::uint64_t> fields,
                  std::span<const std::size_t> slots) {
  if (!fields.empty()) {
    RedisCommand hmget("HMGET");
    hmget.reserve(k.tokens.size() + 16 * fields.size() + 32);  // "$8\r\n" 8 bytes "\r\n"
    hmget.arg(k.tokens);
    for (const std::uint64_t key : fields) hmget.arg(token_field(key));
    client.append(hmget);
  }
  if (!slots.empty()) {
    RedisCommand bitfield("BITFIELD_RO");
    bitfield.reserve(k.weights.size() + 32 * slots.size() + 32);  // GET i16 #<7 digits>
    bitfield.arg(k.weights);
    for (const std::size_t slot : slots) bitfield.formatted(kGetI16, 2).arg('#', slot);
    client.append(bitfield);
  }
}

// An array reply of `count` elements (HMGET, BITFIELD_RO), else an error.
Status expect_array(const redisReply* reply, std::size_t count, const std::string& where) {
  if (reply == nullptr) return store_error(where, "reply missing");
  if (auto error = reply_error(*reply); !error.empty()) return store_error(where, error);
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != count)
    return store_error(where, "unexpected reply");
  return ok();
}

std::int16_t slot_value(const redisReply& element) {
  return element.type == REDIS_REPLY_INTEGER ? static_cast<std::int16_t>(element.integer) : 0;
}

class RedisWriter final : public StoreWriter {
 public:
  RedisWriter(RedisClient& client, const Keys& keys, std::string token)
      : client_(client), keys_(keys), token_(std::move(token)) {}
  ~RedisWriter() override {
    if (!done_) (void)exec_if_locked(false);  // abort: only the lock is let go
  }
  RedisWriter(const RedisWriter&) = delete;
  RedisWriter& operator=(const RedisWriter&) = delete;

  Result<Snapshot> read(std::span<const std::uint64_t> keys, std::size_t counted) override {
    counted = std::min(counted, keys.size());
    std::vector<std::uint64_t> fields;
    std::vector<std::size_t> slots;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i < counted && !tokens_.contains(keys[i])) fields.push_back(keys[i]);
      if (i >= counted && !slots_.contains(weight_slot(keys[i])))
        slots.push_back(weight_slot(keys[i]));
    }
    std::size_t sent = 0;
    if (!totals_) {
      client_.append(RedisCommand("GET").arg(keys_.format));
      client_.append(RedisCommand("GET").arg(keys_.totals));
      sent += 2;
    }
    append_reads(client_, keys_, fields, slots);
    sent += (fields.empty() ? 0 : 1) + (slots.empty() ? 0 : 1);
    auto replies = client_.replies(sent);
    if (!replies) return tl::unexpected(replies.error());
    std::size_t at = 0;
    if (!totals_) {
      if (auto fine = check_format(*(*replies)[0], client_.where()); !fine)
        return tl::unexpected(fine.error());
      auto totals = decode_totals(*(*replies)[1], client_.where());
      if (!totals) return tl::unexpected(totals.error());
      totals_ = *totals;
      at = 2;
    }
    // What Redis holds joins the overlay: this writer's view from now on.
    if (!fields.empty()) {
      const redisReply* reply = (*replies)[at++].get();
      if (auto fine = expect_array(reply, fields.size(), client_.where()); !fine)
        return tl::unexpected(fine.error());
      for (std::size_t i = 0; i < fields.size(); ++i)
        tokens_.emplace(fields[i], Token{decode_record(reply_string(*reply->element[i])), false});
    }
    if (!slots.empty()) {
      const redisReply* reply = (*replies)[at].get();
      if (auto fine = expect_array(reply, slots.size(), client_.where()); !fine)
        return tl::unexpected(fine.error());
      for (std::size_t i = 0; i < slots.size(); ++i)
        slots_.emplace(slots[i], Slot{slot_value(*reply->element[i]), false});
    }
    Snapshot snap{*totals_, {}};
    snap.records.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i < counted) {
        snap.records.push_back(tokens_.at(keys[i]).record);
      } else {
        const float weight = weight_of(slots_.at(weight_slot(keys[i])).units);
        snap.records.push_back(TokenRecord{0, 0, weight_sign(keys[i]) * weight});
      }
    }
    return snap;
  }

  Result<MessageClass> message_class(const Digest& digest) override {
    if (const auto it = messages_.find(digest); it != messages_.end()) return it->second;
    auto reply = client_.call(RedisCommand("HGET").arg(keys_.messages).arg(as_bytes(digest)));
    if (!reply) return tl::unexpected(reply.error());
    if (auto error = reply_error(**reply); !error.empty())
      return store_error(client_.where(), error);
    const std::string_view value = reply_string(**reply);
    const auto cls = value.size() == 1 ? static_cast<std::uint8_t>(value[0]) : 0;
    return cls <= 2 ? static_cast<MessageClass>(cls) : MessageClass::none;
  }

  Status put(std::span<const std::uint64_t> keys, std::size_t counted,
             std::span<const TokenRecord> records, const Totals& totals) override {
    for (std::size_t i = 0; i < keys.size() && i < records.size(); ++i) {
      if (i < counted)
        tokens_[keys[i]] = Token{records[i], true};
      else
        slots_[weight_slot(keys[i])] =
            Slot{quantize_weight(weight_sign(keys[i]) * records[i].weight), true};
    }
    totals_ = totals;
    totals_dirty_ = true;
    return ok();
  }

  Status set_message_class(const Digest& digest, MessageClass cls) override {
    messages_[digest] = cls;
    return ok();
  }

  Status commit() override {
    done_ = true;
    return exec_if_locked(true);
  }

 private:
  struct Token {
    TokenRecord record;
    bool dirty = false;
  };
  struct Slot {
    std::int16_t units = 0;
    bool dirty = false;
  };

  static std::string_view as_bytes(const Digest& digest) {
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
  }

  // The chunks of the weight table with a changed slot, when there are
  // enough changed slots to write whole chunks (kWholeChunksFrom).
  [[nodiscard]] std::vector<std::size_t> chunks_to_rewrite() const {
    std::size_t dirty = 0;
    std::vector<bool> seen(kWeightSlots / kChunkSlots, false);
    for (const auto& [slot, value] : slots_) {
      if (!value.dirty) continue;
      ++dirty;
      seen[slot / kChunkSlots] = true;
    }
    std::vector<std::size_t> out;
    if (dirty < kWholeChunksFrom) return out;
    for (std::size_t n = 0; n < seen.size(); ++n)
      if (seen[n]) out.push_back(n);
    return out;
  }

  // The chunks as Redis holds them (GETRANGE replies: shorter where the
  // string ends, zeros past it) with this writer's slots written in, in
  // BITFIELD's layout: slot n is the big-endian i16 at byte 2n.
  [[nodiscard]] std::vector<std::string> patched_chunks(std::span<const std::size_t> chunks,
                                                        std::span<const Reply> stored) const {
    std::vector<std::string> out;
    std::vector<std::size_t> index(kWeightSlots / kChunkSlots, chunks.size());
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      std::string data(reply_string(*stored[i]).substr(0, kChunkBytes));
      data.resize(kChunkBytes, '\0');
      out.push_back(std::move(data));
      index[chunks[i]] = i;
    }
    for (const auto& [slot, value] : slots_) {
      const std::size_t at = index[slot / kChunkSlots];
      if (!value.dirty || at == chunks.size()) continue;
      const auto units = static_cast<std::uint16_t>(value.units);
      const std::size_t byte = (slot % kChunkSlots) * 2;
      out[at][byte] = static_cast<char>(units >> 8);
      out[at][byte + 1] = static_cast<char>(units & 0xFFU);
    }
    return out;
  }

  // WATCH the lock, check it is ours, then MULTI [the changes] DEL lock
  // EXEC: EXEC does nothing if the lock changed since WATCH.
  Status exec_if_locked(bool with_changes) {
    client_.append(RedisCommand("WATCH").arg(keys_.lock));
    client_.append(RedisCommand("GET").arg(keys_.lock));
    const std::vector<std::size_t> chunks =
        with_changes ? chunks_to_rewrite() : std::vector<std::size_t>{};
    for (const std::size_t n : chunks)
      client_.append(RedisCommand("GETRANGE")
                         .arg(keys_.weights)
                         .arg(static_cast<std::int64_t>(n * kChunkBytes))
                         .arg(static_cast<std::int64_t>((n + 1) * kChunkBytes - 1)));
    auto held = client_.replies(2 + chunks.size());
    if (!held) return tl::unexpected(held.error());
    if (reply_string(*(*held)[1]) != token_) {
      (void)client_.call(RedisCommand("UNWATCH"));
      return store_error(client_.where(), "the writer's lock expired before commit");
    }
    for (std::size_t i = 2; i < held->size(); ++i)
      if (auto error = reply_error(*(*held)[i]); !error.empty())
        return store_error(client_.where(), "commit: " + error);
    client_.append(RedisCommand("MULTI"));
    std::size_t queued = 1;
    if (with_changes) {
      const auto patched = patched_chunks(chunks, std::span(*held).subspan(2));
      for (std::size_t i = 0; i < chunks.size(); ++i)
        client_.append(RedisCommand("SETRANGE")
                           .arg(keys_.weights)
                           .arg(static_cast<std::int64_t>(chunks[i] * kChunkBytes))
                           .arg(patched[i]));
      queued += chunks.size() + append_changes(!chunks.empty());
    }
    client_.append(RedisCommand("DEL").arg(keys_.lock));
    client_.append(RedisCommand("EXEC"));
    queued += 2;
    auto replies = client_.replies(queued);
    if (!replies) return tl::unexpected(replies.error());
    for (const auto& reply : *replies)
      if (auto error = reply_error(*reply); !error.empty())
        return store_error(client_.where(), "commit: " + error);
    const redisReply& exec = *replies->back();
    if (is_nil(exec)) return store_error(client_.where(), "the writer's lock was taken over");
    for (std::size_t i = 0; i < exec.elements; ++i)
      if (auto error = reply_error(*exec.element[i]); !error.empty())
        return store_error(client_.where(), "commit: " + error);
    return ok();
  }

  // The changed records, slots (unless whole chunks are written),
  // totals and message classes as commands inside MULTI; returns how many.
  std::size_t append_changes(bool whole_chunks) {
    std::size_t count = 0;
    auto flush = [&](std::optional<RedisCommand>& command, std::size_t head) {
      if (command && command->size() > head) {
        client_.append(*command);
        ++count;
      }
      command.reset();
    };
    std::optional<RedisCommand> set, del;
    for (const auto& [key, token] : tokens_) {
      if (!token.dirty) continue;
      const TokenRecord& r = token.record;
      if (r.spam == 0 && r.ham == 0 && r.weight == 0.0F) {  // unlearnt to nothing: no record
        if (!del) del.emplace("HDEL").arg(keys_.tokens);
        del->arg(token_field(key));
        if (del->size() >= kPerCommand) flush(del, 2);
      } else {
        if (!set) set.emplace("HSET").arg(keys_.tokens);
        set->arg(token_field(key)).arg(encode_record(r));
        if (set->size() >= kPerCommand) flush(set, 2);
      }
    }
    flush(set, 2);
    flush(del, 2);
    std::optional<RedisCommand> bits;
    for (const auto& [slot, value] : slots_) {
      if (!value.dirty || whole_chunks) continue;
      if (!bits) bits.emplace("BITFIELD").arg(keys_.weights);
      bits->formatted(kSetI16, 2).arg('#', slot).arg(std::int64_t{value.units});
      if (bits->size() >= kPerCommand) flush(bits, 2);
    }
    flush(bits, 2);
    std::optional<RedisCommand> classes;
    for (const auto& [digest, cls] : messages_) {
      if (!classes) classes.emplace("HSET").arg(keys_.messages);
      classes->arg(as_bytes(digest)).arg(std::string(1, static_cast<char>(cls)));
      if (classes->size() >= kPerCommand) flush(classes, 2);
    }
    flush(classes, 2);
    if (totals_dirty_) {
      client_.append(RedisCommand("SET").arg(keys_.totals).arg(encode_totals(*totals_)));
      client_.append(RedisCommand("SET").arg(keys_.format).arg(kFormat));
      count += 2;
    }
    return count;
  }

  RedisClient& client_;
  const Keys& keys_;
  std::string token_;
  bool done_ = false;
  std::optional<Totals> totals_;
  bool totals_dirty_ = false;
  std::unordered_map<std::uint64_t, Token> tokens_;
  std::unordered_map<std::size_t, Slot> slots_;
  std::map<Digest, MessageClass> messages_;
};

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
        return std::unique_ptr<StoreWriter>(
            std::make_unique<RedisWriter>(client_, keys_, std::move(token)));
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
