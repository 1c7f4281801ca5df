// Password database: Dovecot's passwd-file format, so an existing
// /etc/dovecot/users works unchanged:
//   user:{SCHEME}hash:uid:gid:gecos:home:shell:extra
// Schemes: SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT, YESCRYPT and CRYPT (any
// crypt(3) hash, the default without a {SCHEME}) through libxcrypt, and
// PLAIN/CLEARTEXT for tests. PAM for system users is not here yet.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::server {

struct PassdbEntry {
  std::string name;
  std::string password;  // "{SCHEME}hash"
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::string home;
};

// Parses the whole file; comments (#) and blank lines are skipped. A line
// that does not parse is an error naming its line number: a typo must not
// silently lock a user out (or in).
[[nodiscard]] Result<std::vector<PassdbEntry>> parse_passwd_file(std::string_view text);

// Reads `path` and returns the entry of `user`; ErrorKind::no_user when absent.
[[nodiscard]] Result<PassdbEntry> find_passdb_user(const std::string& path, std::string_view user);

// True when `password` matches `stored` ("{SCHEME}hash"). The comparison
// takes the same time wherever the first difference is (CRYPTO_memcmp on
// digests); an unknown scheme never matches.
[[nodiscard]] bool verify_password(std::string_view stored, std::string_view password);

// Checks against a fixed hash, so that an unknown user costs as much time
// as a known one and the reply time does not tell which users exist.
void burn_password_check(std::string_view password);

// "{SHA512-CRYPT}$6$..." for `mailroom passwd`; scheme is one of the above
// (CRYPT and PLAIN excluded: they are not for new hashes).
[[nodiscard]] Result<std::string> hash_password(std::string_view scheme, std::string_view password);

// Failed logins per client address and per user name (pure; the listening
// process holds one). After each failure the next answer to that address or
// user is delayed longer (1, 2, 4 ... seconds, at most max_delay); past
// max_failures within `window` every attempt is refused without checking.
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Policy {
    std::chrono::seconds base_delay{1};
    std::chrono::seconds max_delay{15};
    std::size_t max_failures = 10;
    std::chrono::seconds window{900};
  };
  explicit LoginThrottle(Policy policy) : policy_(policy) {}

  [[nodiscard]] bool refused(const std::string& ip, const std::string& user, Clock::time_point now);
  // How long to wait before answering this attempt.
  [[nodiscard]] std::chrono::milliseconds delay(const std::string& ip, const std::string& user,
                                                Clock::time_point now);
  void failed(const std::string& ip, const std::string& user, Clock::time_point now);
  void succeeded(const std::string& user);

 private:
  struct Record {
    std::string key;  // "ip:" or "user:" + value
    std::size_t failures = 0;
    Clock::time_point last;
  };
  Record* find(const std::string& key, Clock::time_point now);
  Policy policy_;
  std::vector<Record> records_;
};

}  // namespace mailroom::server
