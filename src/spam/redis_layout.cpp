// The encodings and reads shared by the Redis store's reader and writer
// (redis_layout.hpp).
#include "spam/redis_layout.hpp"

#include <hiredis/hiredis.h>

#include <cstring>

namespace mailroom::spam::redis {
namespace {

// 17 bytes before Totals::corrections was kept (read with none), 21 since.
constexpr std::size_t kTotalsSize = 21;
constexpr std::size_t kTotalsSizeBeforeCorrections = 17;
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

}  // namespace

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
  put_u32(out, t.corrections);
  return out;
}

Result<Totals> decode_totals(const redisReply& reply, const std::string& where) {
  if (is_nil(reply)) return Totals{};
  const std::string_view in = reply_string(reply);
  if (in.size() != kTotalsSize && in.size() != kTotalsSizeBeforeCorrections)
    return fail(ErrorKind::temporary, where + ": bad totals");
  return Totals{get_u32(in, 0),
                get_u32(in, 4),
                bits_float(get_u32(in, 8)),
                get_u32(in, 12),
                static_cast<std::uint8_t>(in[16]),
                in.size() == kTotalsSize ? get_u32(in, 17) : 0U};
}

tl::unexpected<Error> store_error(const std::string& where, const std::string& what) {
  return fail(ErrorKind::temporary, where + ": " + what);
}

Status check_format(const redisReply& reply, const std::string& where) {
  if (is_nil(reply) || reply_string(reply) == kFormat) return ok();
  return store_error(where, "format \"" + std::string(reply_string(reply)) +
                                "\" is not one this mailroom reads (1)");
}

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

}  // namespace mailroom::spam::redis
