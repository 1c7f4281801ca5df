// RFC 5322 §3.4 address lists, read leniently: a token pass (atoms, quoted
// strings, comments, domain literals, specials) then a pass that groups
// tokens into mailboxes and groups. Both passes are single loops over the
// input, so nesting in comments cannot recurse.
#include "mailroom/message/address.hpp"

#include <cstddef>

#include "mailroom/message/charset.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/rfc2047.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::message {
namespace {

enum class Tok { atom, quoted, comment, literal, special };

struct Token {
  Tok kind = Tok::atom;
  std::string text;  // unescaped content (no quotes/parens)
  char special = 0;  // for Tok::special
  bool space_before = false;
};

bool is_special(char c) noexcept {
  return c == '<' || c == '>' || c == '@' || c == ',' || c == ';' || c == ':' || c == '.' ||
         c == '"' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\';
}

// Reads a delimited run ("...", (...), [...]) honouring quoted-pairs.
// Comments nest (§3.2.2); the depth is a counter, not recursion.
std::size_t read_delimited(std::string_view s, std::size_t i, char open, char close,
                           std::string& out) {
  int depth = 1;
  ++i;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      out.push_back(s[i + 1]);
      i += 2;
      continue;
    }
    if (open == '(' && c == '(') ++depth;
    if (c == close && --depth == 0) return i + 1;
    if (c != '\r' && c != '\n') out.push_back(c);
    ++i;
  }
  return i;  // unterminated: runs to the end
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> toks;
  std::size_t i = 0;
  bool space = false;
  while (i < s.size()) {
    const char c = s[i];
    if (is_space(c)) {
      space = true;
      ++i;
      continue;
    }
    Token t;
    t.space_before = space;
    space = false;
    if (c == '"') {
      t.kind = Tok::quoted;
      i = read_delimited(s, i, '"', '"', t.text);
    } else if (c == '(') {
      t.kind = Tok::comment;
      i = read_delimited(s, i, '(', ')', t.text);
    } else if (c == '[') {
      t.kind = Tok::literal;
      i = read_delimited(s, i, '[', ']', t.text);
    } else if (is_special(c)) {
      t.kind = Tok::special;
      t.special = c;
      ++i;
    } else {
      const std::size_t b = i;
      while (i < s.size() && !is_space(s[i]) && !is_special(s[i])) ++i;
      t.text = std::string(s.substr(b, i - b));
    }
    toks.push_back(std::move(t));
  }
  return toks;
}

bool is(const Token& t, char c) noexcept { return t.kind == Tok::special && t.special == c; }

// Words of a phrase joined with single spaces, then RFC 2047 decoded.
std::string phrase_text(const std::vector<Token>& toks, std::size_t b, std::size_t e) {
  std::string raw;
  for (std::size_t i = b; i < e; ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::comment) continue;
    if (!raw.empty() && t.space_before) raw.push_back(' ');
    if (t.kind == Tok::special) {
      if (t.special == '.' || t.special == '@') raw.push_back(t.special);  // obs-phrase
      continue;
    }
    raw += t.text;
  }
  std::string decoded = decode_rfc2047(raw);
  return decoded;
}

std::string last_comment(const std::vector<Token>& toks, std::size_t b, std::size_t e) {
  for (std::size_t i = e; i > b; --i) {
    if (toks[i - 1].kind == Tok::comment) return unfold(decode_rfc2047(toks[i - 1].text));
  }
  return {};
}

// addr-spec tokens [b, e): local "@" domain, the last "@" splits (tolerant
// of "a@b@c"). An obs-route ("@a,@b:") before it is skipped.
void read_addr_spec(const std::vector<Token>& toks, std::size_t b, std::size_t e, Address& a) {
  for (std::size_t i = b; i < e; ++i) {
    if (is(toks[i], ':')) b = i + 1;  // obs-route ends with ':'
  }
  std::size_t at = e;
  for (std::size_t i = b; i < e; ++i) {
    if (is(toks[i], '@')) at = i;
  }
  for (std::size_t i = b; i < at; ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::atom || t.kind == Tok::quoted) a.local_part += t.text;
    if (t.kind == Tok::special && (t.special == '.' || t.special == '@')) {
      a.local_part.push_back(t.special);
    }
  }
  for (std::size_t i = at + 1; i < e; ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::atom) a.domain += t.text;
    if (t.kind == Tok::literal) a.domain += "[" + t.text + "]";
    if (is(t, '.')) a.domain.push_back('.');
  }
  a.local_part = header_bytes_to_utf8(a.local_part);
  a.domain = header_bytes_to_utf8(a.domain);
}

class ListParser {
 public:
  ListParser(std::vector<Token> toks, std::size_t max) : toks_(std::move(toks)), max_(max) {}

  // One forward pass over the tokens (no rescanning, so a header of a
  // million "a:" tokens stays linear): ':' before any '<' or '@' starts a
  // group (§3.4); ',' or ';' outside angle brackets ends a mailbox.
  std::vector<Address> run() {
    std::size_t start = 0;
    bool in_angle = false;
    bool seen_address = false;
    for (std::size_t i = 0; i < toks_.size() && out_.size() < max_; ++i) {
      const Token& t = toks_[i];
      if (is(t, '<')) {
        in_angle = true;
        seen_address = true;
      } else if (is(t, '>')) {
        in_angle = false;
      } else if (is(t, '@')) {
        seen_address = true;
      } else if (is(t, ':') && !in_angle && !seen_address) {
        group_ = phrase_text(toks_, start, i);
        start = i + 1;
      } else if ((is(t, ',') || is(t, ';')) && !in_angle) {
        mailbox(start, i);
        if (is(t, ';')) group_.clear();
        start = i + 1;
        seen_address = false;
      }
    }
    if (start < toks_.size() && out_.size() < max_) mailbox(start, toks_.size());
    return std::move(out_);
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  void mailbox(std::size_t b, std::size_t e) {
    Address a;
    a.group = group_;
    std::size_t lt = kNone;
    for (std::size_t i = b; i < e; ++i) {
      if (is(toks_[i], '<')) {
        lt = i;
        break;
      }
    }
    if (lt != kNone) {
      std::size_t gt = lt + 1;
      while (gt < e && !is(toks_[gt], '>')) ++gt;
      a.display_name = phrase_text(toks_, b, lt);
      read_addr_spec(toks_, lt + 1, gt, a);
      if (a.display_name.empty()) a.display_name = last_comment(toks_, b, e);
    } else {
      read_addr_spec(toks_, b, e, a);
      a.display_name = last_comment(toks_, b, e);
    }
    // "<>" (the null reverse-path, RFC 5321 §4.5.5) is kept as an empty
    // address: it was written on purpose and From: <> must yield it.
    if (!a.empty() || lt != kNone) out_.push_back(std::move(a));
  }

  std::vector<Token> toks_;
  std::size_t max_;
  std::string group_;
  std::vector<Address> out_;
};

bool needs_quoting(std::string_view local) noexcept {
  if (local.empty() || local.front() == '.' || local.back() == '.') return true;
  for (std::size_t i = 0; i < local.size(); ++i) {
    const char c = local[i];
    if (c == '.' && i + 1 < local.size() && local[i + 1] == '.') return true;
    if (static_cast<unsigned char>(c) >= 0x80) continue;  // RFC 6532 UTF-8 atext
    if (is_space(c) || (is_special(c) && c != '.') || static_cast<unsigned char>(c) < 32) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string Address::addr_spec() const {
  std::string out;
  if (empty()) return out;  // the null address "<>"
  if (needs_quoting(local_part)) {
    out.push_back('"');
    for (const char c : local_part) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  } else {
    out = local_part;
  }
  if (!domain.empty()) out += "@" + domain;
  return out;
}

std::vector<Address> parse_address_list(std::string_view value, const Limits& limits) {
  return ListParser(tokenize(value), limits.max_addresses).run();
}

std::optional<Address> parse_mailbox(std::string_view value) {
  Limits l;
  l.max_addresses = 1;
  auto list = parse_address_list(value, l);
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

AddressSplit split_address(const Address& address, std::string_view separators) {
  AddressSplit s;
  s.domain = address.domain;
  const auto sep =
      separators.empty() ? std::string::npos : address.local_part.find_first_of(separators);
  if (sep == std::string::npos) {
    s.local = address.local_part;
  } else {
    s.local = address.local_part.substr(0, sep);
    s.detail = address.local_part.substr(sep + 1);
    s.has_detail = true;
  }
  return s;
}

AddressSplit split_address(std::string_view addr_spec, std::string_view separators) {
  Address a;
  if (auto parsed = parse_mailbox(addr_spec)) a = std::move(*parsed);
  return split_address(a, separators);
}

}  // namespace mailroom::message
