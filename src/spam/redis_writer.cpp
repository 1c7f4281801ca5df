// The writer of the Redis token store (redis_layout.hpp says how it keeps
// readers from seeing half a training).
#include <hiredis/hiredis.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "spam/redis_layout.hpp"

namespace mailroom::spam::redis {
namespace {

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

}  // namespace

std::unique_ptr<StoreWriter> make_writer(RedisClient& client, const Keys& keys, std::string token) {
  return std::make_unique<RedisWriter>(client, keys, std::move(token));
}

}  // namespace mailroom::spam::redis
