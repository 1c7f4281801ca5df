#include "lmtp/command.hpp"

#include <charconv>

#include "mailroom/util/text.hpp"

namespace mailroom::lmtp {
namespace {

ParseResult refuse(int code, std::string_view status, std::string text) {
  return {std::nullopt, SyntaxError{code, status, std::move(text)}};
}

ParseResult bad_arguments(std::string text) { return refuse(501, "5.5.4", std::move(text)); }

Verb verb_of(std::string_view word) {
  static constexpr std::pair<std::string_view, Verb> kVerbs[] = {
      {"LHLO", Verb::lhlo}, {"MAIL", Verb::mail}, {"RCPT", Verb::rcpt},
      {"DATA", Verb::data}, {"RSET", Verb::rset}, {"NOOP", Verb::noop},
      {"QUIT", Verb::quit}, {"VRFY", Verb::vrfy}, {"XFORWARD", Verb::xforward},
      {"HELO", Verb::helo}, {"EHLO", Verb::helo}};
  for (const auto& [name, verb] : kVerbs)
    if (iequals(word, name)) return verb;
  return Verb::unknown;
}

// RFC 5321 §4.1.2 Path: "<" [ A-d-l ":" ] Mailbox ">". A quoted local part
// may hold ">" and spaces; the source route (A-d-l) is ignored (§C).
// Returns the mailbox and moves `rest` past the ">".
std::optional<std::string> take_path(std::string_view& rest) {
  if (rest.empty() || rest.front() != '<') return std::nullopt;
  bool quoted = false;
  for (std::size_t at = 1; at < rest.size(); ++at) {
    char c = rest[at];
    if (quoted && c == '\\') {
      ++at;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '>') {
      std::string_view path = rest.substr(1, at - 1);
      rest.remove_prefix(at + 1);
      if (!path.empty() && path.front() == '@') {
        auto colon = path.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        path.remove_prefix(colon + 1);
      }
      return std::string(path);
    } else if (!quoted && c == ' ') {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool parse_number(std::string_view text, std::uint64_t& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

std::optional<SyntaxError> mail_parameter(std::string_view keyword, std::string_view value,
                                          bool has_value, Parameters& parameters) {
  if (iequals(keyword, "SIZE") && has_value) {
    std::uint64_t size = 0;
    if (!parse_number(value, size)) return SyntaxError{501, "5.5.4", "bad SIZE value"};
    parameters.size = size;
    return std::nullopt;
  }
  if (iequals(keyword, "BODY") && has_value) {
    if (iequals(value, "8BITMIME")) {
      parameters.body_8bit = true;
    } else if (!iequals(value, "7BIT")) {
      return SyntaxError{501, "5.5.4", "BODY is 7BIT or 8BITMIME"};
    }
    return std::nullopt;
  }
  if (iequals(keyword, "SMTPUTF8") && !has_value) {
    parameters.smtputf8 = true;
    return std::nullopt;
  }
  return SyntaxError{555, "5.5.4", "unsupported MAIL FROM parameter " + std::string(keyword)};
}

std::optional<SyntaxError> rcpt_parameter(std::string_view keyword, std::string_view value,
                                          bool has_value, Parameters& parameters) {
  // RFC 3461 §4.2: ORCPT=addr-type;xtext. Only rfc822 addresses name a
  // mailbox that Sieve's `envelope "to"` can compare.
  if (iequals(keyword, "ORCPT") && has_value) {
    auto semicolon = value.find(';');
    auto decoded = semicolon == std::string_view::npos ? std::nullopt
                                                       : decode_xtext(value.substr(semicolon + 1));
    if (!decoded) return SyntaxError{501, "5.5.4", "bad ORCPT value"};
    if (iequals(value.substr(0, semicolon), "rfc822")) parameters.original_recipient = *decoded;
    return std::nullopt;
  }
  return SyntaxError{555, "5.5.4", "unsupported RCPT TO parameter " + std::string(keyword)};
}

template <class Handler>
std::optional<SyntaxError> parse_parameters(std::string_view rest, Parameters& parameters,
                                            Handler handler) {
  while (!rest.empty()) {
    rest = trim_space(rest);
    auto space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    rest.remove_prefix(space == std::string_view::npos ? rest.size() : space);
    if (word.empty()) continue;
    auto equals = word.find('=');
    bool has_value = equals != std::string_view::npos;
    auto value = has_value ? word.substr(equals + 1) : std::string_view{};
    if (auto error = handler(word.substr(0, equals), value, has_value, parameters)) return error;
  }
  return std::nullopt;
}

// "FROM:<path> params" / "TO:<path> params"; a space after the colon is
// tolerated as Postfix's smtpd does.
ParseResult parse_transaction(Verb verb, std::string_view rest) {
  std::string_view prefix = verb == Verb::mail ? "FROM:" : "TO:";
  if (rest.size() < prefix.size() || !iequals(rest.substr(0, prefix.size()), prefix))
    return bad_arguments(verb == Verb::mail ? "syntax: MAIL FROM:<address>"
                                            : "syntax: RCPT TO:<address>");
  rest = trim_space(rest.substr(prefix.size()));
  auto path = take_path(rest);
  if (!path) return bad_arguments("bad address syntax");
  if (path->size() > kMaxPath) return refuse(501, "5.1.3", "address too long");
  if (verb == Verb::rcpt && path->empty()) return bad_arguments("empty recipient address");
  if (!rest.empty() && rest.front() != ' ') return bad_arguments("bad address syntax");
  Command command{verb, std::move(*path), {}, {}};
  auto error = verb == Verb::mail ? parse_parameters(rest, command.parameters, mail_parameter)
                                  : parse_parameters(rest, command.parameters, rcpt_parameter);
  if (error) return {std::nullopt, std::move(error)};
  return {std::move(command), std::nullopt};
}

// XFORWARD_README: "XFORWARD name=value ...", values in xtext.
ParseResult parse_xforward(std::string_view rest) {
  Command command{Verb::xforward, {}, {}, {}};
  rest = trim_space(rest);
  if (rest.empty()) return bad_arguments("syntax: XFORWARD attribute=value...");
  while (!rest.empty()) {
    auto space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    rest = trim_space(rest.substr(space == std::string_view::npos ? rest.size() : space));
    auto equals = word.find('=');
    if (equals == std::string_view::npos || equals == 0)
      return bad_arguments("bad XFORWARD attribute");
    auto value = decode_xtext(word.substr(equals + 1));
    if (!value) return bad_arguments("bad XFORWARD value");
    if (*value == "[UNAVAILABLE]" || *value == "[TEMPUNAVAIL]") value->clear();
    auto name = word.substr(0, equals);
    if (iequals(name, "ADDR")) {
      // Postfix writes IPv6 clients as "IPV6:2001:db8::1".
      if (value->size() > 5 && iequals(std::string_view(*value).substr(0, 5), "IPV6:"))
        value->erase(0, 5);
      command.forwarded.addr = std::move(*value);
    } else if (iequals(name, "HELO")) {
      command.forwarded.helo = std::move(*value);
    } else if (iequals(name, "NAME")) {
      command.forwarded.name = std::move(*value);
    } else if (iequals(name, "PROTO")) {
      command.forwarded.proto = std::move(*value);
    } else if (!iequals(name, "PORT") && !iequals(name, "IDENT") && !iequals(name, "SOURCE")) {
      return bad_arguments("unknown XFORWARD attribute " + std::string(name));
    }
  }
  return {std::move(command), std::nullopt};
}

// NUL and other control characters have no place in a command line
// (RFC 5321 §4.1.1: the command text is printable US-ASCII, or UTF-8 in
// addresses with SMTPUTF8).
bool has_control(std::string_view line) {
  for (unsigned char c : line)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  return false;
}

}  // namespace

std::optional<std::string> decode_xtext(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size(); ++at) {
    unsigned char c = static_cast<unsigned char>(text[at]);
    if (c != '+') {
      if (c < 0x21 || c > 0x7e || c == '=') return std::nullopt;
      out += static_cast<char>(c);
      continue;
    }
    unsigned value = 0;
    auto hex = text.substr(at + 1, 2);
    auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    if (hex.size() != 2 || ec != std::errc{} || end != hex.data() + 2) return std::nullopt;
    out += static_cast<char>(value);
    at += 2;
  }
  return out;
}

ParseResult parse_command(std::string_view line) {
  if (has_control(line)) return refuse(500, "5.5.2", "control characters in command line");
  auto space = line.find(' ');
  Verb verb = verb_of(line.substr(0, space));
  std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
  switch (verb) {
    case Verb::lhlo:
      rest = trim_space(rest);
      if (rest.empty() || rest.find(' ') != std::string_view::npos)
        return bad_arguments("syntax: LHLO domain");
      return {Command{verb, std::string(rest), {}, {}}, std::nullopt};
    case Verb::mail:
    case Verb::rcpt:
      return parse_transaction(verb, rest);
    case Verb::xforward:
      return parse_xforward(rest);
    case Verb::data:
    case Verb::rset:
    case Verb::quit:
      if (!trim_space(rest).empty()) return bad_arguments("no arguments allowed");
      return {Command{verb, {}, {}, {}}, std::nullopt};
    case Verb::noop:  // RFC 5321 §4.1.1.9: a parameter is allowed and ignored
    case Verb::vrfy:
    case Verb::helo:
      return {Command{verb, std::string(trim_space(rest)), {}, {}}, std::nullopt};
    case Verb::unknown:
      break;
  }
  return refuse(500, "5.5.2", "command not recognized");
}

}  // namespace mailroom::lmtp
