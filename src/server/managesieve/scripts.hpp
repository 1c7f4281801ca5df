// Where ManageSieve keeps a user's scripts: Dovecot's layout, which
// `deliver` reads. Each script is <dir>/<name>.sieve (dir = sieve.include_dir,
// ~/sieve by default, where include :personal finds them too); the active
// one is the symbolic link sieve.script (~/.dovecot.sieve) pointing at it,
// relative when it can be ("sieve/x.sieve"). The session process uses it
// after dropping to the user, so every file is made by and as the user.
// Writes are atomic (a temporary file renamed into place, RFC 5804 §2.6:
// a failed PUTSCRIPT leaves the old script), so `deliver` never reads half
// a script.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::server::managesieve {

struct StoreSetup {
  std::string dir;          // the scripts: <dir>/<name>.sieve
  std::string active_link;  // the symbolic link deliver reads; "" = none can be active
  std::uint64_t max_scripts = 100;
  std::uint64_t max_script_size = 1U << 20;
  std::uint64_t quota = 10U << 20;  // all scripts together
};

// A refusal with the response code of RFC 5804 §1.3 ("NONEXISTENT", "ACTIVE",
// "ALREADYEXISTS", "QUOTA/MAXSIZE", "QUOTA/MAXSCRIPTS", "QUOTA", "TRYLATER").
struct StoreError {
  std::string code;
  std::string message;
};
template <class T>
using StoreResult = tl::expected<T, StoreError>;
using StoreStatus = StoreResult<void>;

struct ScriptEntry {
  std::string name;
  std::uint64_t size = 0;
  bool active = false;
};

class ScriptStore {
 public:
  // Opens (or makes, mode 0700) the script directory.
  [[nodiscard]] static StoreResult<ScriptStore> open(StoreSetup setup);

  [[nodiscard]] StoreResult<std::vector<ScriptEntry>> list() const;
  [[nodiscard]] StoreResult<std::string> get(const std::string& name) const;
  [[nodiscard]] StoreStatus have_space(const std::string& name, std::uint64_t size) const;
  [[nodiscard]] StoreStatus put(const std::string& name, const std::string& text);
  [[nodiscard]] StoreStatus remove(const std::string& name);
  [[nodiscard]] StoreStatus rename(const std::string& from, const std::string& to);
  // "" deactivates (§2.8).
  [[nodiscard]] StoreStatus activate(const std::string& name);
  // The name of the active script, "" when none is.
  [[nodiscard]] std::string active() const;
  [[nodiscard]] std::uint64_t max_script_size() const { return setup_.max_script_size; }

 private:
  explicit ScriptStore(StoreSetup setup, UniqueFd dir)
      : setup_(std::move(setup)), dir_(std::move(dir)) {}
  [[nodiscard]] bool exists(const std::string& name) const;
  [[nodiscard]] StoreStatus point_link_at(const std::string& name);
  [[nodiscard]] StoreStatus adopt_regular_active();
  StoreSetup setup_;
  UniqueFd dir_;
};

}  // namespace mailroom::server::managesieve
