// ManageSieve (RFC 5804): the parts that are pure, so that they are
// unit-tested from tables and fuzzed (tests/fuzz/managesieve_command.cpp):
// the command reader (atoms, quoted strings, literals {n+} and {n}, with
// limits enforced while reading), the response syntax, the capability
// list and the rule for script names. The processes that speak it are in
// src/server/managesieve/processes.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::server::managesieve {

// RFC 5804 §4: "quoted" strings carry at most 1024 octets; longer text is
// sent as a literal.
inline constexpr std::size_t kMaxQuoted = 1024;

struct Limits {
  std::size_t max_line = 8192;         // octets between line ends or literals, CRLF excluded
  std::size_t max_literal = 1U << 20;  // one {n+} literal: a script, or a SASL response
  std::size_t max_arguments = 8;       // tokens after the command name
};

struct Token {
  enum class Kind { atom, number, string };
  Kind kind = Kind::atom;
  std::string text;  // strings unescaped; literals as sent
};

struct Event {
  enum class Kind { command, error };
  Kind kind = Kind::command;
  // command: the command name (an atom) and its arguments; for the answer to
  // a SASL challenge, a single string.
  std::vector<Token> tokens;
  std::string code;     // error: the response code ("QUOTA/MAXSIZE") or ""
  std::string message;  // error: the text of the NO response
};

// Splits the client's bytes into commands. Memory stays bounded by the
// limits: an over-long line is dropped up to its end, an over-large
// literal is read and thrown away (the client sends {n+} literals without
// waiting), each reported once as an error event in input order.
class CommandReader {
 public:
  explicit CommandReader(Limits limits) : limits_(limits) {}
  void feed(std::string_view bytes) { pending_.append(bytes); }
  // The next command or error, or nothing when more input is needed.
  [[nodiscard]] std::optional<Event> next();
  // Bytes not yet taken (commands pipelined after AUTHENTICATE go to the
  // session process).
  [[nodiscard]] std::string take_pending();
  // STARTTLS (RFC 5804 §2.2, CVE-2011-0411): nothing sent before the
  // handshake may be executed after it.
  void discard_pending();

 private:
  [[nodiscard]] std::optional<Event> fail(std::string code, std::string message);
  [[nodiscard]] std::optional<Event> take_literal();
  [[nodiscard]] std::optional<Event> parse_segment(std::string_view segment);
  Limits limits_;
  std::string pending_;
  std::vector<Token> tokens_;  // the command so far
  std::size_t literal_left_ = 0;
  bool in_literal_ = false;
  bool discarding_ = false;  // the literal is over the limit: read, not kept
  bool skip_line_ = false;   // after an error before the line end: drop up to the next LF
};

// A string as the server sends it: quoted when it can be (RFC 5804 §4),
// else a literal "{n}\r\n" + bytes.
[[nodiscard]] std::string sieve_string(std::string_view text);

// "OK", "NO" or "BYE" with an optional response code and text, CRLF ended.
[[nodiscard]] std::string response(std::string_view status, std::string_view code,
                                   std::string_view text);

struct CapabilityState {
  bool sasl_plain = false;  // plaintext passwords allowed now (TLS, or a trusted loopback)
  bool starttls = false;    // a certificate, and the connection is not yet TLS
  bool authenticated = false;
  std::size_t max_redirects = 0;  // sieve.max_redirects
};

// The capability lines of RFC 5804 §1.7 (without the closing OK): SIEVE
// lists exactly what `require` accepts (sieve::supported_capabilities()).
[[nodiscard]] std::string capabilities(const CapabilityState& state);

// RFC 5804 §1.6 names, narrowed so that a name is always one file inside
// the script directory: valid UTF-8, 1-128 characters, no control
// characters (U+0000-001F, U+007F-009F, U+2028, U+2029), no '/', no
// leading '.'. Empty when valid, else why not.
[[nodiscard]] std::string script_name_problem(std::string_view name);

}  // namespace mailroom::server::managesieve
