// The authenticated state of RFC 5804 (§2.3-§2.13), run by the session
// process as the user: the script commands over a ScriptStore, with every
// uploaded script compiled by mailroom's own Sieve compiler. Pure apart
// from the store: one event in, the response out.
#pragma once

#include <cstddef>
#include <string>

#include "mailroom/server/managesieve.hpp"
#include "server/managesieve/scripts.hpp"

namespace mailroom::server::managesieve {

class SessionState {
 public:
  SessionState(ScriptStore& store, std::size_t max_redirects)
      : store_(store), max_redirects_(max_redirects) {}
  // The response to `event`; `done` is set after LOGOUT and
  // UNAUTHENTICATE.
  [[nodiscard]] std::string handle(const Event& event, bool& done);
  // The session ended with UNAUTHENTICATE (RFC 5804 section 2.14.1): the
  // connection goes back to the login process.
  [[nodiscard]] bool unauthenticated() const { return unauthenticated_; }

 private:
  [[nodiscard]] std::string dispatch(const std::string& name, const std::vector<Token>& args);
  [[nodiscard]] std::string put_script(const std::string& name, const std::string& text);
  [[nodiscard]] std::string list_scripts();
  [[nodiscard]] std::string get_script(const std::string& name);
  [[nodiscard]] std::string have_space(const std::vector<Token>& args);
  ScriptStore& store_;
  std::size_t max_redirects_;
  bool unauthenticated_ = false;
};

// The compiler's verdict on `text`, "" when it compiles; else one line per
// error, "NAME:LINE:COLUMN: error: message [kind]" as `mailroom sieve check`.
[[nodiscard]] std::string compile_errors(const std::string& label, const std::string& text,
                                         std::string* warnings);

}  // namespace mailroom::server::managesieve
