// Failed-login throttling, kept in the listening process because one
// attacker uses many connections (each served by a process of its own).
#include <algorithm>

#include "mailroom/server/passdb.hpp"

namespace mailroom::server {
namespace {
constexpr std::size_t kMaxRecords = 100000;  // bounded memory under a spray of addresses
}

LoginThrottle::Record* LoginThrottle::find(const std::string& key, Clock::time_point now) {
  std::erase_if(records_, [&](const Record& r) { return now - r.last > policy_.window; });
  auto it =
      std::find_if(records_.begin(), records_.end(), [&](const Record& r) { return r.key == key; });
  return it == records_.end() ? nullptr : &*it;
}

bool LoginThrottle::refused(const std::string& ip, const std::string& user, Clock::time_point now) {
  for (const auto& key : {"ip:" + ip, "user:" + user}) {
    const auto* record = find(key, now);
    if (record != nullptr && record->failures >= policy_.max_failures) return true;
  }
  return false;
}

std::chrono::milliseconds LoginThrottle::delay(const std::string& ip, const std::string& user,
                                               Clock::time_point now) {
  std::size_t failures = 0;
  for (const auto& key : {"ip:" + ip, "user:" + user})
    if (const auto* record = find(key, now)) failures = std::max(failures, record->failures);
  if (failures == 0) return std::chrono::milliseconds(0);
  auto wait = policy_.base_delay * (std::size_t{1} << std::min<std::size_t>(failures - 1, 16));
  return std::min<std::chrono::milliseconds>(wait, policy_.max_delay);
}

void LoginThrottle::failed(const std::string& ip, const std::string& user, Clock::time_point now) {
  for (const auto& key : {"ip:" + ip, "user:" + user}) {
    if (auto* record = find(key, now)) {
      ++record->failures;
      record->last = now;
      continue;
    }
    if (records_.size() >= kMaxRecords) records_.erase(records_.begin());
    records_.push_back(Record{key, 1, now});
  }
}

void LoginThrottle::succeeded(const std::string& user) {
  // The address keeps its count: one right password among many guesses
  // from it must not reset the guessing budget.
  std::erase_if(records_, [&](const Record& r) { return r.key == "user:" + user; });
}

}  // namespace mailroom::server
