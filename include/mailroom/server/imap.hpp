// IMAP4rev1 (RFC 3501) commands as they arrive from a client, before any
// state is consulted. Two pure stages, each unit-tested and fuzzed
// (tests/fuzz/imap_command.cpp):
//
//  - CommandReader frames the byte stream into whole commands: a command is
//    one line, or several when a line ends in a literal announcement
//    "{n}" (synchronizing: the server must answer "+" first) or "{n+}"
//    (LITERAL+, RFC 7888: the client sends the octets at once). Limits on
//    the line length, the literal size and the whole command are enforced
//    while the bytes arrive, never after.
//  - parse_command splits one framed command into its tag, its name and a
//    tree of arguments (atoms, strings, parenthesised lists).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::server::imap {

struct CommandLimits {
  std::size_t max_line = 8192;                      // octets of one line, CRLF excluded
  std::size_t max_literal = 64ULL << 20;            // one literal (APPEND's message)
  std::size_t max_command = (64ULL << 20) + 65536;  // lines and literals of one command
  std::size_t max_depth = 16;                       // nested parenthesised lists
  std::size_t max_values = 100000;                  // atoms, strings and lists in one command
};

struct Framed {
  enum class Kind {
    command,          // text holds the whole command, literals inline, CRLF removed at the end
    continuation,     // a synchronizing literal was announced: send "+ ..." now
    too_long,         // a line or the command over the limits; the command was dropped
    literal_too_big,  // a synchronizing literal over max_literal: refused, nothing to skip
    fatal,            // a non-synchronizing literal over the limits: close the connection
  };
  Kind kind = Kind::command;
  std::string text;
  std::string tag;  // for too_long/literal_too_big: the tag if it could be read, else "*"
};

class CommandReader {
 public:
  explicit CommandReader(CommandLimits limits = {}) : limits_(limits) {}
  void feed(std::string_view bytes);
  // The next event, or nothing when more input is needed.
  [[nodiscard]] std::optional<Framed> next();
  // A raw line (AUTHENTICATE's responses, IDLE's DONE), not a command.
  [[nodiscard]] std::optional<std::string> next_line();
  // Bytes received after the last event (commands pipelined after LOGIN).
  [[nodiscard]] std::string take_pending();
  // RFC 3501 section 6.2.1 / CVE-2011-0411: bytes sent after STARTTLS in
  // the same packet must not be executed after the handshake.
  void discard_pending() {
    pending_.clear();
    reset();
  }

 private:
  void reset();
  [[nodiscard]] std::optional<Framed> drop(Framed::Kind kind);
  CommandLimits limits_;
  std::string pending_;      // received, not yet returned
  std::size_t scanned_ = 0;  // octets of pending_ that belong to the command being framed
  std::size_t literal_left_ = 0;
  bool in_literal_ = false;
  bool skipping_ = false;  // dropping the rest of an over-long line
};

struct Value {
  enum class Kind { atom, string, list };
  Kind kind = Kind::atom;
  std::string text;          // atom or string
  std::vector<Value> items;  // list
  bool literal = false;      // a string that came as a literal
  [[nodiscard]] bool is_astring() const { return kind == Kind::atom || kind == Kind::string; }
};

struct Command {
  std::string tag;
  std::string name;  // upper case: "UID FETCH" for the UID variants
  std::vector<Value> args;
};

// ErrorKind::parse with the text of a BAD reply; the tag, when it could be
// read, is in tag_out so the BAD can carry it.
[[nodiscard]] Result<Command> parse_command(std::string_view text, const CommandLimits& limits,
                                            std::string* tag_out = nullptr);

// RFC 3501 section 9: the characters of an atom, of an astring
// (atom characters and ']'), and the quoting of a string for a response.
[[nodiscard]] bool is_atom_char(char c);
[[nodiscard]] std::string quote_string(std::string_view text);

}  // namespace mailroom::server::imap
