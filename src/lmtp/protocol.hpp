// The LMTP server's side of one connection (RFC 2033), without I/O: bytes
// go in with feed(), replies and complete messages come out of run(). The
// session (session.cpp) moves bytes between it and the socket; tests and
// the fuzzer (tests/fuzz/lmtp_protocol.cpp) drive it directly, byte by byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lmtp/command.hpp"

namespace mailroom::lmtp {

// Enforced while the input arrives (STYLE.md). RFC 5321 §4.5.3.1: a
// command line may be 512 octets, longer with extensions (XFORWARD); at
// least 100 recipients must be accepted.
struct Limits {
  std::size_t max_line = 2048;  // octets of a command line, CRLF excluded
  std::size_t max_recipients = 1000;
  std::uint64_t max_message_size = 100ULL << 20;  // after dot-unstuffing, LF line ends
  std::size_t max_errors = 20;                    // bad commands before the connection is closed
};

struct Reply {
  int code = 250;
  std::string status;  // RFC 3463 enhanced status code (RFC 2034)
  std::string text;
};

// "250 2.1.5 OK\r\n"
[[nodiscard]] std::string render(const Reply& reply);

struct Recipient {
  std::string address;   // RCPT TO, as given
  std::string original;  // ORCPT, else the address
  std::string user;      // who the RecipientCheck said it is
};

// One mail transaction, complete after DATA.
struct Transaction {
  std::string sender;  // "" is the null sender <>
  Parameters parameters;
  std::vector<Recipient> recipients;
  Forwarded client;  // from XFORWARD; empty fields when not sent
  // The message, dot-unstuffed, each CRLF turned into LF (the Maildir
  // convention, what `deliver` gets from a pipe).
  std::string data;
};

// Called for each RCPT TO: sets `user` and returns nullopt to accept, or
// the refusal (550 5.1.1 unknown user, 451 4.3.0 lookup failed).
using RecipientCheck =
    std::function<std::optional<Reply>(std::string_view address, std::string& user)>;

class Protocol {
 public:
  Protocol(Limits limits, std::string host, RecipientCheck check);

  [[nodiscard]] std::string greeting() const;
  void feed(std::string_view bytes);

  struct Output {
    std::string replies;                 // to send now, in order
    std::optional<Transaction> message;  // to deliver; then finish()
    bool close = false;                  // after sending `replies`
    std::size_t too_large = 0;           // recipients refused 552 5.3.4 after DATA
  };
  // Runs the commands received so far. Stops at a complete message: the
  // commands pipelined after it wait until finish() gave its replies.
  [[nodiscard]] Output run();
  // RFC 2033 §4.2: one reply per accepted recipient, in RCPT order.
  [[nodiscard]] std::string finish(std::span<const Reply> replies);

  // SIGTERM: a transaction in flight goes on to its end; the next command
  // outside a transaction is answered 421 and the connection closes.
  void shut_down() { shutting_down_ = true; }
  [[nodiscard]] bool in_transaction() const { return transaction_.has_value() || awaiting_; }
  // Nothing received is waiting to be run.
  [[nodiscard]] bool drained() const { return pending_.empty(); }

 private:
  enum class Data { off, line_start, body, dot, dot_cr, cr };

  void command_line(std::string_view line, Output& out);
  void command(Command& command, Output& out);
  void lhlo(const Command& command, Output& out);
  void mail(Command& command, Output& out);
  void rcpt(Command& command, Output& out);
  void data(Output& out);
  void xforward(const Command& command, Output& out);
  void error(int code, std::string_view status, std::string_view text, Output& out);
  // Consumes message bytes from pending_ at `at`; true at the end of DATA.
  bool take_data(std::size_t& at);
  // Appends `bytes` (and an LF when `line_end`) to the message, unless
  // that makes it too large.
  void emit(std::string_view bytes, bool line_end = false);
  bool take_line(std::size_t& at, Output& out);
  void end_transaction();

  Limits limits_;
  std::string host_;
  RecipientCheck check_;
  std::string pending_;
  bool greeted_ = false;
  bool awaiting_ = false;  // a message was handed out, finish() not yet called
  bool closed_ = false;
  bool skipping_ = false;  // inside an over-long command line, dropping until LF
  bool too_large_ = false;
  bool shutting_down_ = false;
  std::size_t errors_ = 0;
  Data data_ = Data::off;
  Forwarded forwarded_;
  std::optional<Transaction> transaction_;
};

}  // namespace mailroom::lmtp
