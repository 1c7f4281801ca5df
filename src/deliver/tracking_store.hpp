// The user's Sieve response store (issue 13): vacation replies sent (RFC
// 5230 §4.2, per handle and sender) and unique ids seen by duplicate (RFC
// 7352), each with the time it expires. LMDB, as the spam store: one
// directory per user (sieve.store), opened as the user.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

class TrackingStore {
 public:
  // Creates the directory (0700) and the store when missing.
  [[nodiscard]] static Result<TrackingStore> open(const std::string& directory);

  // Is `key` recorded and not expired at `now`?
  [[nodiscard]] Result<bool> live(std::string_view key, std::time_t now) const;
  // Records `key` until `expires`. Now and then (at most once an hour)
  // the same transaction drops every expired record, so the store stays
  // as small as the user's recent mail.
  [[nodiscard]] Status put(std::string_view key, std::time_t expires, std::time_t now);

 private:
  struct Env;
  explicit TrackingStore(std::shared_ptr<Env> env) : env_(std::move(env)) {}
  std::shared_ptr<Env> env_;
};

}  // namespace mailroom::deliver
