// The session process of a ManageSieve connection (processes.hpp).
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "mailroom/sieve/parse.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/passwd.hpp"
#include "server/broker.hpp"
#include "server/managesieve/processes.hpp"
#include "server/managesieve/session_state.hpp"
#include "server/process.hpp"
#include "server/spawner.hpp"

namespace mailroom::server::managesieve {

SessionSetup session_setup(const Config& config, const std::string& user, const std::string& home) {
  SessionSetup setup;
  setup.store.dir = expand_user_path(config.sieve.include_dir, home, user);
  if (!config.sieve.script.empty())
    setup.store.active_link = expand_user_path(config.sieve.script, home, user);
  setup.store.max_scripts = config.serve.managesieve_max_scripts;
  // Never more than the compiler reads (sieve::Limits::max_script_size).
  setup.store.max_script_size = std::min<std::uint64_t>(config.serve.managesieve_max_script_size,
                                                        sieve::Limits{}.max_script_size);
  setup.store.quota = config.serve.managesieve_quota;
  setup.limits = limits_from(config.serve);
  setup.max_redirects = config.sieve.max_redirects;
  return setup;
}

int run_session(int login, const SessionSetup& setup) {
  auto store = ScriptStore::open(setup.store);
  if (!store) {
    log::error("managesieve: {}", store.error().message);
    (void)send_all(login, response("NO", "TRYLATER", "Cannot open the script directory."));
    return 75;
  }
  SessionState state(*store, setup.max_redirects);
  if (!send_all(login, response("OK", "", "Logged in."))) return 0;
  Limits limits;
  limits.max_line = setup.limits.max_line;
  limits.max_literal = setup.store.max_script_size;
  CommandReader reader(limits);
  std::array<char, 16384> buffer{};
  for (;;) {
    ssize_t n = ::read(login, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    while (auto event = reader.next()) {
      bool done = false;
      std::string reply = state.handle(*event, done);
      if (state.unauthenticated()) {
        (void)send_unauthenticated(login, reply);
        return 0;
      }
      if (!send_all(login, reply)) return 0;
      if (done) return 0;
    }
  }
}

}  // namespace mailroom::server::managesieve
