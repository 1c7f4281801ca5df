// Splits a byte stream from a client into command lines, with a limit on
// the line length enforced while reading (STYLE.md: limits while parsing,
// not after). Pure: no sockets, so it is unit-tested byte by byte and fuzzed
// on its own (tests/fuzz/net_line_reader.cpp).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::net {

struct LineEvent {
  enum class Kind { line, too_long };
  Kind kind = Kind::line;
  std::string text;  // the line without CRLF (or bare LF); empty for too_long
};

class LineReader {
 public:
  // max_line counts the octets before the line end. RFC 2449 section 4
  // allows 255 octets for a POP3 command; AUTH responses are longer, so the
  // server passes its configured limit.
  explicit LineReader(std::size_t max_line) : max_line_(max_line) {}

  // Appends received bytes. Memory stays bounded: at most max_line + 2
  // octets of an unfinished line are kept; the rest of an over-long line is
  // dropped until its end.
  void feed(std::string_view bytes);

  // The next complete line, a too_long event once per over-long line, or
  // nothing when more input is needed.
  [[nodiscard]] std::optional<LineEvent> next();

  // Bytes received but not yet returned as lines (pipelined commands that
  // follow a login, handed to the session process).
  [[nodiscard]] std::string take_pending();

  // RFC 2595 section 3.1 / CVE-2011-0411: whatever the client sent after
  // STLS in the same packet must not be executed after the handshake.
  void discard_pending() { pending_.clear(); }

 private:
  std::size_t max_line_;
  std::string pending_;
  bool skipping_ = false;  // inside an over-long line, dropping until LF
  // A too_long event is due for each entry, once the lines before that
  // offset of pending_ are taken (events keep the order of the input).
  std::deque<std::size_t> too_long_at_;
};

}  // namespace mailroom::net
