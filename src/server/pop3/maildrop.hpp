// The POP3 maildrop: the INBOX of a Maildir (new/ and cur/), read as the
// user. Deletions are only marked until commit() (RFC 1939 section 6: the
// UPDATE state after QUIT), so a dropped connection or a crash deletes
// nothing. mailroom writes no state files here: the unique-id is the
// Maildir base name (the file name before ':'), which delivery makes
// unique and no client renames, so it is stable across sessions and
// deliveries without a UID list (Dovecot's or Courier's stay untouched).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::server::pop3 {

struct DropMessage {
  std::string path;        // relative to the Maildir: "cur/NAME:2,S"
  std::string uidl;        // RFC 1939 section 7: 1-70 octets 0x21-0x7E
  std::uint64_t size = 0;  // octets as sent: LF counted as CRLF
  bool deleted = false;
};

class Maildrop {
 public:
  [[nodiscard]] static Result<Maildrop> open(const std::string& maildir);
  [[nodiscard]] std::vector<DropMessage>& messages() { return messages_; }
  // The message as it is stored (the caller converts to CRLF and stuffs dots).
  [[nodiscard]] Result<std::string> read(const DropMessage& message) const;
  // Unlinks every message marked deleted; one moved meanwhile (flags
  // changed by an IMAP client) is found again by its base name.
  [[nodiscard]] Status commit();

 private:
  std::string root_;
  std::vector<DropMessage> messages_;
};

}  // namespace mailroom::server::pop3
