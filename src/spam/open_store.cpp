// open_store (store.hpp) and store_location (learn_files.hpp): the one
// place that tells the LMDB store from the Redis store.
#include "mailroom/spam/learn_files.hpp"
#include "mailroom/spam/redis_store.hpp"
#include "mailroom/util/passwd.hpp"

namespace mailroom::spam {

Result<std::unique_ptr<TokenStore>> open_store(const StoreLocation& location, StoreMode mode) {
  if (location.redis())
    return open_redis_store(location.path, location.redis_prefix, location.redis_timeout);
  return open_lmdb_store(location.path, mode);
}

StoreLocation store_location(std::string path, const SpamConfig& config,
                             const std::string& user_name) {
  // Only %u in a prefix: ~ (a home directory) means nothing in a key.
  std::string prefix = expand_user_path(config.redis_prefix, "~", user_name);
  return StoreLocation{std::move(path), std::move(prefix), config.redis_timeout};
}

}  // namespace mailroom::spam
