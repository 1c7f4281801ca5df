// RFC 7208 §7: macro-string = *( macro-expand / macro-literal ).
#include "mailroom/auth/spf_macro.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace mailroom::auth {
namespace {

struct Token {
  enum class Kind : std::uint8_t { literal, expand };
  Kind kind = Kind::literal;
  std::string_view literal;  // literal text, or "%", " ", "%20" for %% %_ %-
  char letter = 0;           // lower case
  bool url_escape = false;   // an upper-case letter (§7.3)
  unsigned keep = 0;         // rightmost parts to keep, 0 = all
  bool reverse = false;
  std::string_view delimiters;  // empty = "."
};

Token literal_token(std::string_view text) {
  Token t;
  t.literal = text;
  return t;
}

bool is_letter_allowed(char letter, MacroUse use) {
  static constexpr std::string_view kDomain = "slodipvh";
  if (kDomain.find(letter) != std::string_view::npos) return true;
  // c, r and t only make sense in text shown to people (§7.1).
  return use != MacroUse::domain_spec &&
         std::string_view("crt").find(letter) != std::string_view::npos;
}

bool is_literal(char c, MacroUse use) {
  const auto u = static_cast<unsigned char>(c);
  if (u == ' ') return use == MacroUse::explanation;  // explain-string = *( macro-string / SP )
  return u >= 0x21 && u <= 0x7e && c != '%';
}

// "%{" macro-letter transformers *delimiter "}", starting after "%{".
Result<Token> parse_expand(std::string_view body, MacroUse use) {
  Token t;
  t.kind = Token::Kind::expand;
  if (body.empty()) return fail(ErrorKind::parse, "empty macro %{}");
  const char letter = body.front();
  t.letter = static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
  t.url_escape = std::isupper(static_cast<unsigned char>(letter)) != 0;
  if (!is_letter_allowed(t.letter, use)) {
    return fail(ErrorKind::parse, std::string("macro letter '") + letter + "' not allowed here");
  }
  std::size_t i = 1;
  bool has_digits = false;
  unsigned keep = 0;
  for (; i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) != 0; ++i) {
    has_digits = true;
    keep = std::min(keep * 10 + static_cast<unsigned>(body[i] - '0'), 1000U);
  }
  // §7.3: "If a DIGIT is specified, the value MUST be nonzero."
  if (has_digits && keep == 0) return fail(ErrorKind::parse, "macro keeps zero parts");
  t.keep = keep;
  if (i < body.size() && (body[i] == 'r' || body[i] == 'R')) {
    t.reverse = true;
    ++i;
  }
  t.delimiters = body.substr(i);
  for (char d : t.delimiters) {
    if (std::string_view(".-+,/_=").find(d) == std::string_view::npos) {
      return fail(ErrorKind::parse, std::string("bad macro delimiter '") + d + "'");
    }
  }
  return t;
}

Result<std::vector<Token>> tokenize(std::string_view text, MacroUse use) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '%') {
      if (!is_literal(c, use))
        return fail(ErrorKind::parse, "character not allowed in macro-string");
      const std::size_t start = i;
      while (i < text.size() && text[i] != '%' && is_literal(text[i], use)) ++i;
      tokens.push_back(literal_token(text.substr(start, i - start)));
      continue;
    }
    if (i + 1 >= text.size()) return fail(ErrorKind::parse, "'%' at the end of a macro-string");
    const char next = text[i + 1];
    if (next == '%' || next == '_' || next == '-') {
      tokens.push_back(literal_token(next == '%' ? "%" : next == '_' ? " " : "%20"));
      tokens.back().letter = next;  // marks a macro-expand for the domain-end check
      i += 2;
      continue;
    }
    if (next != '{') return fail(ErrorKind::parse, "'%' must be followed by '{', '%', '_' or '-'");
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) return fail(ErrorKind::parse, "unterminated macro");
    auto token = parse_expand(text.substr(i + 2, close - i - 2), use);
    if (!token) return tl::unexpected(token.error());
    tokens.push_back(*token);
    i = close + 1;
  }
  return tokens;
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label) {
  if (label.empty()) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (std::all_of(label.begin(), label.end(), alnum)) {
    return std::any_of(label.begin(), label.end(),
                       [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
  }
  return alnum(label.front()) && alnum(label.back()) &&
         std::all_of(label.begin(), label.end(), [&](char c) { return alnum(c) || c == '-'; });
}

// domain-end = ( "." toplabel [ "." ] ) / macro-expand
bool has_domain_end(const std::vector<Token>& tokens) {
  if (tokens.empty()) return false;
  const Token& last = tokens.back();
  if (last.kind == Token::Kind::expand || last.letter != 0) return true;
  std::string_view tail = last.literal;
  if (!tail.empty() && tail.back() == '.') tail.remove_suffix(1);
  const auto dot = tail.rfind('.');
  return dot != std::string_view::npos && is_toplabel(tail.substr(dot + 1));
}

std::string ip_value(const dns::IpAddress& ip) {
  if (ip.is_v4()) return ip.to_string();
  // §7.3: IPv6 "i" is the dot-format of all 32 nibbles.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t byte : ip.bytes()) {
    if (!out.empty()) out += '.';
    out += kHex[byte >> 4];
    out += '.';
    out += kHex[byte & 0x0f];
  }
  return out;
}

std::string letter_value(char letter, const SpfMacroContext& ctx) {
  switch (letter) {
    case 's':
      return std::string(ctx.sender);
    case 'l':
      return std::string(ctx.local_part);
    case 'o':
      return std::string(ctx.sender_domain);
    case 'd':
      return std::string(ctx.domain);
    case 'i':
      return ip_value(ctx.ip);
    case 'p':
      return ctx.validated_name ? ctx.validated_name() : "unknown";
    case 'v':
      return ctx.ip.is_v4() ? "in-addr" : "ip6";
    case 'h':
      return std::string(ctx.helo);
    case 'c':
      return ctx.ip.to_string();
    case 'r':
      return ctx.receiver.empty() ? "unknown" : std::string(ctx.receiver);
    case 't':
      return std::to_string(ctx.timestamp);
    default:
      return {};
  }
}

// Split on the delimiters, reverse, keep the rightmost parts, join with "."
std::string transform(const std::string& value, const Token& t) {
  if (t.keep == 0 && !t.reverse && (t.delimiters.empty() || t.delimiters == ".")) return value;
  const std::string_view delims = t.delimiters.empty() ? "." : t.delimiters;
  std::vector<std::string_view> parts;
  std::string_view rest = value;
  for (;;) {
    const auto at = rest.find_first_of(delims);
    parts.push_back(rest.substr(0, at));
    if (at == std::string_view::npos) break;
    rest.remove_prefix(at + 1);
  }
  if (t.reverse) std::reverse(parts.begin(), parts.end());
  const std::size_t first = t.keep != 0 && t.keep < parts.size() ? parts.size() - t.keep : 0;
  std::string out;
  for (std::size_t i = first; i < parts.size(); ++i) {
    if (i != first) out += '.';
    out += parts[i];
  }
  return out;
}

// §7.3: upper-case macros are URL-escaped, keeping RFC 3986 "unreserved".
std::string url_escape(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0f];
    }
  }
  return out;
}

// §7.3: a too long domain loses labels on the left until it fits.
void truncate_domain(std::string& name) {
  while (name.size() > 253) {
    const auto dot = name.find('.');
    if (dot == std::string::npos) return;
    name.erase(0, dot + 1);
  }
}

}  // namespace

Status check_macro_string(std::string_view text, MacroUse use) {
  auto tokens = tokenize(text, use);
  if (!tokens) return tl::unexpected(tokens.error());
  if (use == MacroUse::domain_spec && !has_domain_end(*tokens)) {
    return fail(ErrorKind::parse, "domain must end in a macro or a valid top label");
  }
  return ok();
}

Result<std::string> expand_macros(std::string_view text, const SpfMacroContext& context,
                                  MacroUse use) {
  auto tokens = tokenize(text, use);
  if (!tokens) return tl::unexpected(tokens.error());
  if (use == MacroUse::domain_spec && !has_domain_end(*tokens)) {
    return fail(ErrorKind::parse, "domain must end in a macro or a valid top label");
  }
  std::string out;
  for (const Token& t : *tokens) {
    if (t.kind == Token::Kind::literal) {
      out += t.literal;
      continue;
    }
    std::string value = transform(letter_value(t.letter, context), t);
    out += t.url_escape ? url_escape(value) : value;
  }
  if (use == MacroUse::domain_spec) truncate_domain(out);
  return out;
}

}  // namespace mailroom::auth
