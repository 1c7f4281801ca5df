// parse_command (mailroom/server/imap.hpp): RFC 3501 section 9 grammar for
// what a client sends, on one command framed by CommandReader.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "mailroom/server/imap.hpp"

namespace mailroom::server::imap {
namespace {

tl::unexpected<Error> bad(std::string why) { return fail(ErrorKind::parse, std::move(why)); }

class Parser {
 public:
  Parser(std::string_view text, const CommandLimits& limits) : text_(text), limits_(limits) {}

  Result<std::string> tag() {
    std::size_t start = pos_;
    while (pos_ < text_.size() && is_atom_char(text_[pos_]) && text_[pos_] != '+') ++pos_;
    if (pos_ == start) return bad("missing tag");
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<std::string> name() {
    if (!space()) return bad("missing command");
    std::size_t start = pos_;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_])) != 0)
      ++pos_;
    if (pos_ == start) return bad("missing command");
    std::string out(text_.substr(start, pos_ - start));
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
  }

  Status arguments(std::vector<Value>& out) {
    while (pos_ < text_.size()) {
      if (!space()) return bad("expected a space between arguments");
      if (pos_ == text_.size()) break;  // a trailing space: clients send it, harmless
      auto value = parse_value(0);
      if (!value) return tl::unexpected(value.error());
      out.push_back(std::move(*value));
    }
    return ok();
  }

 private:
  bool space() {
    if (pos_ >= text_.size() || text_[pos_] != ' ') return false;
    ++pos_;
    return true;
  }

  Result<Value> parse_value(std::size_t depth) {
    if (++values_ > limits_.max_values) return fail(ErrorKind::limit, "too many arguments");
    if (pos_ >= text_.size()) return bad("missing argument");
    char c = text_[pos_];
    if (c == '"') return quoted();
    if (c == '{' || (c == '~' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '{'))
      return literal();
    if (c == '(') return list(depth);
    return atom();
  }

  Result<Value> quoted() {
    Value out;
    out.kind = Value::Kind::string;
    for (++pos_; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\r' || c == '\n' || c == '\0') return bad("control character in a quoted string");
      if (c == '\\') {
        if (++pos_ >= text_.size()) break;
        c = text_[pos_];
        if (c != '\\' && c != '"') return bad("bad escape in a quoted string");
      }
      out.text.push_back(c);
    }
    return bad("unterminated quoted string");
  }

  Result<Value> literal() {
    if (text_[pos_] == '~') ++pos_;
    ++pos_;  // '{'
    std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    std::size_t size = 0;
    auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, size);
    if (pos_ == start || ec != std::errc{}) return bad("bad literal length");
    if (pos_ < text_.size() && text_[pos_] == '+') ++pos_;
    if (pos_ >= text_.size() || text_[pos_] != '}') return bad("bad literal");
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ >= text_.size() || text_[pos_] != '\n') return bad("literal not at the end of a line");
    ++pos_;
    if (size > limits_.max_literal || size > text_.size() - pos_) return bad("literal too short");
    Value out;
    out.kind = Value::Kind::string;
    out.literal = true;
    out.text = std::string(text_.substr(pos_, size));
    pos_ += size;
    return out;
  }

  Result<Value> list(std::size_t depth) {
    if (depth + 1 > limits_.max_depth) return fail(ErrorKind::limit, "lists nested too deeply");
    ++pos_;  // '('
    Value out;
    out.kind = Value::Kind::list;
    while (pos_ < text_.size() && text_[pos_] != ')') {
      if (!out.items.empty() && !space()) return bad("expected a space in a list");
      auto value = parse_value(depth + 1);
      if (!value) return tl::unexpected(value.error());
      out.items.push_back(std::move(*value));
    }
    if (pos_ >= text_.size()) return bad("unterminated list");
    ++pos_;
    return out;
  }

  // An atom, widened as clients use it: flags ("\Seen"), sequence sets and
  // LIST patterns ('*', '%'), and fetch items whose "[...]" section may
  // hold spaces and a list ("BODY.PEEK[HEADER.FIELDS (From)]<0.100>").
  Result<Value> atom() {
    Value out;
    std::size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '[') {
        auto close = text_.find(']', pos_);
        if (close == std::string_view::npos) return bad("unterminated '['");
        for (std::size_t i = pos_; i < close; ++i)
          if (text_[i] == '\r' || text_[i] == '\n' || text_[i] == '\0')
            return bad("control character in a section");
        pos_ = close + 1;
        continue;
      }
      if (!is_atom_char(c) && c != ']' && c != '%' && c != '*' && c != '\\') break;
      ++pos_;
    }
    if (pos_ == start) return bad("unexpected character in an argument");
    out.text = std::string(text_.substr(start, pos_ - start));
    return out;
  }

  std::string_view text_;
  const CommandLimits& limits_;
  std::size_t pos_ = 0;
  std::size_t values_ = 0;
};

}  // namespace

bool is_atom_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
}

std::string quote_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Result<Command> parse_command(std::string_view text, const CommandLimits& limits,
                              std::string* tag_out) {
  Parser parser(text, limits);
  Command command;
  auto tag = parser.tag();
  if (!tag) return tl::unexpected(tag.error());
  command.tag = *tag;
  if (tag_out != nullptr) *tag_out = *tag;
  auto name = parser.name();
  if (!name) return tl::unexpected(name.error());
  command.name = *name;
  if (command.name == "UID") {  // RFC 3501 section 6.4.8: "UID FETCH" and the others
    auto sub = parser.name();
    if (!sub) return tl::unexpected(sub.error());
    command.name += " " + *sub;
  }
  auto args = parser.arguments(command.args);
  if (!args) return tl::unexpected(args.error());
  return command;
}

}  // namespace mailroom::server::imap
