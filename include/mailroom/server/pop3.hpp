// POP3 (RFC 1939) commands as parsed from one client line, before any
// state is consulted. Pure, so it is unit-tested from tables and fuzzed
// (tests/fuzz/pop3_command.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::server::pop3 {

enum class Verb {
  user,
  pass,
  quit,
  stat,
  list,
  retr,
  dele,
  noop,
  rset,
  top,
  uidl,
  capa,
  stls,
  auth
};

struct Command {
  Verb verb = Verb::noop;
  std::string text;                    // USER name, PASS password, AUTH mechanism
  std::optional<std::string> initial;  // AUTH's initial response (RFC 5034 section 4)
  std::optional<std::size_t> message;  // LIST, RETR, DELE, TOP, UIDL
  std::size_t lines = 0;               // TOP
};

// RFC 1939 section 3: keywords are case-insensitive, arguments separated by
// one space and at most 40 octets each; PASS keeps its spaces (section 7
// allows a password with spaces). Errors (ErrorKind::parse) carry the text
// of the -ERR reply.
[[nodiscard]] Result<Command> parse_command(std::string_view line);

// "+OK"/"-ERR" helpers and the multi-line framing of section 3: every line
// ends in CRLF, a line starting with "." gets another ".", and "." ends it.
[[nodiscard]] std::string dot_stuff(std::string_view message,
                                    std::optional<std::size_t> body_lines);

}  // namespace mailroom::server::pop3
