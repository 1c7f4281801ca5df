// Merged reports on Redis (merge.hpp).
#include "dmarc_report/merge.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

#include "mailroom/util/file.hpp"

namespace mailroom::dmarc_report {
namespace {

constexpr std::int64_t kKeepSeconds = std::int64_t{40} * 86400;
// A sender killed with its report in flight leaves the child to finish and
// mark it (send_child.hpp); a sender whose machine died leaves the claim,
// which lapses after this, and the next run sends the report again (with
// the same Report-ID, as the local spool would).
constexpr std::int64_t kLeaseSeconds = 600;

std::int64_t number(std::string_view text) {
  std::int64_t out = 0;
  (void)std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

// <prefix><kind>[:<day>:<who>] (merge.hpp lists them).
std::string key(const std::string& prefix, std::string_view kind, std::string_view day = {},
                std::string_view who = {}) {
  std::string out = prefix;
  out.append(kind);
  if (!day.empty()) out.append(":").append(day);
  if (!who.empty()) out.append(":").append(who);
  return out;
}

}  // namespace

Result<MergeStore> MergeStore::connect(const MergeOptions& options) {
  auto address = redis::parse_redis_url(options.url, "dmarc_report.redis");
  if (!address) return tl::unexpected(address.error());
  auto client = redis::RedisClient::connect(*address, options.timeout, "dmarc_report.redis");
  if (!client) return tl::unexpected(client.error());
  return MergeStore(std::move(*client), options);
}

Result<redis::Reply> MergeStore::call(const redis::RedisCommand& command) {
  auto reply = client_.call(command);
  if (!reply) return tl::unexpected(reply.error());
  if (auto error = redis::reply_error(**reply); !error.empty())
    return fail(ErrorKind::temporary, client_.where() + ": " + error);
  return reply;
}

Status MergeStore::publish(const std::string& spool, const std::vector<std::string>& days,
                           std::int64_t now) {
  const std::string& p = options_.prefix;
  std::size_t queued = 0;
  for (const auto& day : days) {
    std::string path = spool;
    path.append("/").append(day).append(".records");
    auto text = read_whole_file(path, std::size_t{512} << 20, ErrorKind::temporary);
    if (!text) continue;  // a day with failure reports only
    client_.append(redis::RedisCommand("SET")
                       .arg(key(p, "records", day, options_.host))
                       .arg(*text)
                       .arg("EX")
                       .arg(kKeepSeconds));
    client_.append(redis::RedisCommand("SADD").arg(key(p, "days")).arg(day));
    queued += 2;
  }
  client_.append(redis::RedisCommand("SET").arg(key(p, "published:" + options_.host)).arg(now));
  auto replies = client_.replies(queued + 1);
  if (!replies) return tl::unexpected(replies.error());
  for (const auto& reply : *replies)
    if (auto error = redis::reply_error(*reply); !error.empty())
      return fail(ErrorKind::temporary, client_.where() + ": publishing: " + error);
  return ok();
}

Result<std::vector<std::string>> MergeStore::days() {
  auto reply = call(redis::RedisCommand("SMEMBERS").arg(key(options_.prefix, "days")));
  if (!reply) return tl::unexpected(reply.error());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < (*reply)->elements; ++i)
    out.emplace_back(redis::reply_string(*(*reply)->element[i]));
  return out;
}

Status MergeStore::load_published() {
  for (const auto& host : options_.hosts) {
    auto reply = call(redis::RedisCommand("GET").arg(key(options_.prefix, "published:" + host)));
    if (!reply) return tl::unexpected(reply.error());
    if (!redis::is_nil(**reply)) published_[host] = number(redis::reply_string(**reply));
  }
  return ok();
}

std::vector<std::string> MergeStore::missing(std::int64_t end) const {
  std::vector<std::string> out;
  for (const auto& host : options_.hosts) {
    auto at = published_.find(host);
    if (at == published_.end() || at->second < end) out.push_back(host);
  }
  return out;
}

Result<DayRecords> MergeStore::records(const std::string& day) {
  DayRecords out;
  for (const auto& host : options_.hosts) {
    auto reply = call(redis::RedisCommand("GET").arg(key(options_.prefix, "records", day, host)));
    if (!reply) return tl::unexpected(reply.error());
    auto some = decode_day(redis::reply_string(**reply));
    out.bad_lines += some.bad_lines;
    for (auto& record : some.records) out.records.push_back(std::move(record));
  }
  return out;
}

Result<std::string> MergeStore::marker(const std::string& day, const std::string& name) {
  auto reply = call(redis::RedisCommand("GET").arg(key(options_.prefix, "sent", day, name)));
  if (!reply) return tl::unexpected(reply.error());
  return std::string(redis::reply_string(**reply));
}

Result<bool> MergeStore::claim(const std::string& day, const std::string& name, std::int64_t now) {
  auto reply = call(redis::RedisCommand("SET")
                        .arg(key(options_.prefix, "sent", day, name))
                        .arg("sending " + options_.host + " " + std::to_string(now))
                        .arg("NX")
                        .arg("EX")
                        .arg(kLeaseSeconds));
  if (!reply) return tl::unexpected(reply.error());
  return !redis::is_nil(**reply);  // nil: the key was there
}

Status MergeStore::mark(const std::string& day, const std::string& name, const std::string& text) {
  auto reply = call(redis::RedisCommand("SET")
                        .arg(key(options_.prefix, "sent", day, name))
                        .arg(text)
                        .arg("EX")
                        .arg(kKeepSeconds));
  if (!reply) return tl::unexpected(reply.error());
  return ok();
}

Status MergeStore::release(const std::string& day, const std::string& name) {
  auto reply = call(redis::RedisCommand("DEL").arg(key(options_.prefix, "sent", day, name)));
  if (!reply) return tl::unexpected(reply.error());
  return ok();
}

Status MergeStore::forget_day(const std::string& day) {
  auto reply = call(redis::RedisCommand("SREM").arg(key(options_.prefix, "days")).arg(day));
  if (!reply) return tl::unexpected(reply.error());
  return ok();
}

}  // namespace mailroom::dmarc_report
