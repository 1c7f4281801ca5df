// The TRANSACTION and UPDATE states of RFC 1939 (sections 5 and 6), run by
// the session process that has become the user. It reads lines from the
// login process (which holds the client's TLS) and answers them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/pop3/maildrop.hpp"

namespace mailroom::server::pop3 {

class Transaction {
 public:
  explicit Transaction(Maildrop& drop) : drop_(drop) {}
  // The reply to PASS or AUTH: the maildrop is open and locked to us.
  [[nodiscard]] std::string greeting();
  // One command line; `done` is set after QUIT (the UPDATE state ran).
  [[nodiscard]] std::string handle(std::string_view line, bool& done);

 private:
  [[nodiscard]] DropMessage* find(std::size_t number, std::string& error);
  [[nodiscard]] std::string retrieve(std::size_t number, std::optional<std::size_t> lines);
  [[nodiscard]] std::string listing(bool uidl, std::optional<std::size_t> number);
  [[nodiscard]] std::string quit(bool& done);
  Maildrop& drop_;
};

}  // namespace mailroom::server::pop3
