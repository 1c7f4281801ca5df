// The ManageSieve command reader (RFC 5804 §4 grammar, client side):
//   command  = atom *(SP argument) CRLF
//   argument = number / quoted / literal-c2s
//   quoted   = DQUOTE *(SAFE-CHAR / "\" ("\" / DQUOTE)) DQUOTE
//   literal  = "{" number ["+"] "}" CRLF *OCTET
// RFC 5804 only defines "{n+}" for clients; "{n}" is taken the same way
// (there is no continuation to wait for in ManageSieve), as Dovecot does.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "mailroom/server/managesieve.hpp"

namespace mailroom::server::managesieve {
namespace {

bool atom_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && c != '"' && c != '{' && c != '}' && c != '(' && c != ')' &&
         c != '\\' && c != '%' && c != '*';
}

struct Cursor {
  std::string_view text;
  std::size_t at = 0;
  [[nodiscard]] bool done() const { return at >= text.size(); }
  [[nodiscard]] char peek() const { return text[at]; }
};

// A quoted string at cursor.at (on the opening quote); nullopt if bad.
std::optional<std::string> quoted(Cursor& cursor, std::string& why) {
  std::string out;
  for (++cursor.at; !cursor.done(); ++cursor.at) {
    char c = cursor.peek();
    if (c == '"') {
      ++cursor.at;
      return out;
    }
    if (c == '\\') {
      if (++cursor.at == cursor.text.size() || (cursor.peek() != '"' && cursor.peek() != '\\')) {
        why = "only \\\" and \\\\ may be escaped in a quoted string";
        return std::nullopt;
      }
      c = cursor.peek();
    } else if (c == '\0' || c == '\r') {
      why = "NUL or CR in a quoted string";
      return std::nullopt;
    }
    if (out.size() == kMaxQuoted) {
      why = "quoted string longer than 1024 octets: send a literal";
      return std::nullopt;
    }
    out += c;
  }
  why = "unterminated quoted string";
  return std::nullopt;
}

}  // namespace

std::optional<Event> CommandReader::fail(std::string code, std::string message) {
  tokens_.clear();
  Event event;
  event.kind = Event::Kind::error;
  event.code = std::move(code);
  event.message = std::move(message);
  return event;
}

std::optional<Event> CommandReader::next() {
  for (;;) {
    if (in_literal_) {
      auto take = std::min(literal_left_, pending_.size());
      if (!discarding_) tokens_.back().text.append(pending_, 0, take);
      pending_.erase(0, take);
      literal_left_ -= take;
      if (literal_left_ > 0) return std::nullopt;
      in_literal_ = false;
      if (discarding_) {
        discarding_ = false;
        skip_line_ = true;  // the rest of that command goes too
      }
      continue;
    }
    auto lf = pending_.find('\n');
    if (skip_line_) {
      if (lf == std::string::npos) {
        pending_.clear();
        return std::nullopt;
      }
      pending_.erase(0, lf + 1);
      skip_line_ = false;
      continue;
    }
    if (lf == std::string::npos) {
      if (pending_.size() <= limits_.max_line + 1) return std::nullopt;
      pending_.clear();
      skip_line_ = true;  // up to the line end still to come
      return fail("", "line too long");
    }
    std::size_t end = lf > 0 && pending_[lf - 1] == '\r' ? lf - 1 : lf;
    if (end > limits_.max_line) {
      pending_.erase(0, lf + 1);
      return fail("", "line too long");
    }
    std::string segment = pending_.substr(0, end);
    pending_.erase(0, lf + 1);
    if (auto event = parse_segment(segment)) return event;
  }
}

// One line, or the part of a command between literals. Returns an event
// when the command is complete or wrong; nothing when a literal follows
// (or the line was empty).
std::optional<Event> CommandReader::parse_segment(std::string_view segment) {
  Cursor cursor{segment};
  bool first = tokens_.empty();
  if (first && segment.empty()) return std::nullopt;  // a blank line is no command
  while (!cursor.done()) {
    if (!(first && cursor.at == 0)) {
      if (cursor.peek() != ' ' || cursor.at + 1 == segment.size())
        return fail("", "expected one space between arguments");
      ++cursor.at;
    }
    if (tokens_.size() > limits_.max_arguments) return fail("", "too many arguments");
    char c = cursor.peek();
    if (c == '"') {
      std::string why;
      auto text = quoted(cursor, why);
      if (!text) return fail("", why);
      tokens_.push_back({Token::Kind::string, std::move(*text)});
    } else if (c == '{') {
      auto close = segment.find('}', cursor.at);
      if (close == std::string_view::npos || close + 1 != segment.size())
        return fail("", "a literal {n+} must end the line");
      std::string_view spec = segment.substr(cursor.at + 1, close - cursor.at - 1);
      if (!spec.empty() && spec.back() == '+') spec.remove_suffix(1);
      std::size_t size = 0;
      auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), size);
      if (spec.empty() || ec != std::errc{} || end != spec.data() + spec.size())
        return fail("", "bad literal length");
      tokens_.push_back({Token::Kind::string, {}});
      literal_left_ = size;
      in_literal_ = true;
      if (size > limits_.max_literal) {
        // RFC 5804 §2.6 names QUOTA/MAXSIZE for a script over the limit.
        discarding_ = true;
        tokens_.clear();
        Event event{Event::Kind::error,
                    {},
                    "QUOTA/MAXSIZE",
                    "literal of " + std::to_string(size) + " octets, more than the " +
                        std::to_string(limits_.max_literal) + " allowed"};
        return event;
      }
      tokens_.back().text.reserve(std::min<std::size_t>(size, 64U << 10));
      return std::nullopt;
    } else {
      auto start = cursor.at;
      while (!cursor.done() && atom_char(cursor.peek())) ++cursor.at;
      if (cursor.at == start) return fail("", "unexpected character in command");
      std::string_view word = segment.substr(start, cursor.at - start);
      bool digits = std::all_of(word.begin(), word.end(),
                                [](char d) { return std::isdigit(static_cast<unsigned char>(d)); });
      tokens_.push_back({digits ? Token::Kind::number : Token::Kind::atom, std::string(word)});
    }
  }
  if (tokens_.empty()) return std::nullopt;
  Event event;
  event.tokens = std::move(tokens_);
  tokens_.clear();
  return event;
}

std::string CommandReader::take_pending() {
  std::string out;
  out.swap(pending_);
  return out;
}

void CommandReader::discard_pending() {
  pending_.clear();
  tokens_.clear();
  in_literal_ = discarding_ = skip_line_ = false;
  literal_left_ = 0;
}

}  // namespace mailroom::server::managesieve
