// One LMTP command line (RFC 2033 over the syntax of RFC 5321 §4.1),
// parsed without I/O so that it is unit-tested and fuzzed on its own
// (tests/fuzz/lmtp_command.cpp). The line comes without its CRLF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::lmtp {

enum class Verb { lhlo, mail, rcpt, data, rset, noop, quit, vrfy, xforward, helo, unknown };

// MAIL FROM parameters we advertise (RFC 1870 SIZE, RFC 6152 8BITMIME,
// RFC 6531 SMTPUTF8); RCPT TO: ORCPT (RFC 3461 §4.2) as Postfix sends it.
struct Parameters {
  std::optional<std::uint64_t> size;
  bool body_8bit = false;
  bool smtputf8 = false;
  std::optional<std::string> original_recipient;  // ORCPT=rfc822;..., decoded
};

// XFORWARD (Postfix XFORWARD_README): the MTA's own client, so that SPF
// sees the real client. "[UNAVAILABLE]"/"[TEMPUNAVAIL]" become empty.
struct Forwarded {
  std::string addr;
  std::string helo;
  std::string name;
  std::string proto;
};

struct Command {
  Verb verb = Verb::unknown;
  std::string argument;  // LHLO domain; the path of MAIL/RCPT ("" = <>)
  Parameters parameters;
  Forwarded forwarded;  // XFORWARD: only the attributes given are non-empty
};

// A refusal of the line itself: the SMTP reply to send.
struct SyntaxError {
  int code = 501;
  std::string_view status = "5.5.4";
  std::string text;
};

struct ParseResult {
  std::optional<Command> command;
  std::optional<SyntaxError> error;  // exactly one of the two is set
};

// RFC 5321 §4.5.3.1.3: a path is at most 256 octets.
inline constexpr std::size_t kMaxPath = 256;

[[nodiscard]] ParseResult parse_command(std::string_view line);

// RFC 3461 §4: xtext ("+2B" is "+"); nullopt when malformed.
[[nodiscard]] std::optional<std::string> decode_xtext(std::string_view text);

}  // namespace mailroom::lmtp
