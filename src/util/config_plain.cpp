// A reader for the plain subset of TOML (config_plain.hpp). It refuses
// (nullopt) wherever it is not sure to read exactly what toml++ reads, so
// that toml++ stays the authority: on its answers and on its errors.
#include "util/config_plain.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace mailroom::config_plain {
namespace {

constexpr bool is_bare_key_char(char c) noexcept {  // TOML 1.0 bare keys
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// ASCII without control characters but tab (TOML allows tab in comments
// and basic strings, and nothing else below 0x20, nor 0x7f).
bool plain_ascii(std::string_view line) noexcept {
  for (char c : line) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte >= 0x7f) return false;
  }
  return true;
}

class Line {
 public:
  explicit Line(std::string_view text) : text_(text) {}

  void skip_blanks() noexcept {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
  }
  // Nothing but blanks and perhaps a comment is left.
  [[nodiscard]] bool ends() noexcept {
    skip_blanks();
    return at_ == text_.size() || text_[at_] == '#';
  }
  [[nodiscard]] bool take(char c) noexcept {
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  [[nodiscard]] char peek() const noexcept { return at_ < text_.size() ? text_[at_] : '\0'; }

  [[nodiscard]] std::string_view bare_key() noexcept {
    std::size_t begin = at_;
    while (at_ < text_.size() && is_bare_key_char(text_[at_])) ++at_;
    return text_.substr(begin, at_ - begin);
  }

  // A basic string without escapes: "" and the start of """ are refused too.
  [[nodiscard]] std::optional<std::string_view> basic_string() noexcept {
    if (!take('"')) return std::nullopt;
    std::size_t begin = at_;
    while (at_ < text_.size() && text_[at_] != '"' && text_[at_] != '\\') ++at_;
    if (at_ == text_.size() || text_[at_] == '\\') return std::nullopt;
    std::string_view value = text_.substr(begin, at_ - begin);
    ++at_;
    if (value.empty() && peek() == '"') return std::nullopt;
    return value;
  }

  // A decimal integer (no sign, no leading zero, no underscore, at most 18
  // digits) or fraction (digits.digits, at most 15 digits in all, so that
  // every correctly rounding reader gives the same double).
  [[nodiscard]] bool number(Sink& sink, std::string_view key) {
    std::size_t begin = at_;
    while (at_ < text_.size() && is_digit(text_[at_])) ++at_;
    std::size_t whole = at_ - begin;
    if (whole == 0 || (whole > 1 && text_[begin] == '0')) return false;
    if (peek() != '.') {
      if (whole > 18) return false;
      std::int64_t value = 0;
      std::from_chars(text_.data() + begin, text_.data() + at_, value);
      return sink.value(key, toml::value<std::int64_t>(value));
    }
    ++at_;
    std::size_t fraction_begin = at_;
    while (at_ < text_.size() && is_digit(text_[at_])) ++at_;
    std::size_t fraction = at_ - fraction_begin;
    if (fraction == 0 || whole + fraction > 15) return false;
    double value = 0;
    auto [end, error] = std::from_chars(text_.data() + begin, text_.data() + at_, value);
    if (error != std::errc() || end != text_.data() + at_) return false;
    return sink.value(key, toml::value<double>(value));
  }

  // key = value, to `sink`; false when the value is not one this reader
  // takes, or the sink refuses it.
  [[nodiscard]] bool key_value(Sink& sink, std::string_view& key) {
    key = bare_key();
    skip_blanks();
    if (key.empty() || !take('=')) return false;
    skip_blanks();
    char first = peek();
    bool stored = false;
    if (first == '"') {
      auto value = basic_string();
      stored = value && sink.value(key, toml::value<std::string>(std::string(*value)));
    } else if (first == '[') {
      stored = string_array(sink, key);
    } else if (is_digit(first)) {
      stored = number(sink, key);
    } else {
      for (bool value : {true, false}) {
        std::string_view word = value ? "true" : "false";
        if (text_.substr(at_, word.size()) != word) continue;
        at_ += word.size();
        stored = sink.value(key, toml::value<bool>(value));
        break;
      }
    }
    return stored && ends();
  }

 private:
  // ["a", "b"] on one line, a trailing comma allowed (TOML 1.0 §Array).
  [[nodiscard]] bool string_array(Sink& sink, std::string_view key) {
    if (!take('[')) return false;
    toml::array items;
    for (;;) {
      skip_blanks();
      if (take(']')) break;
      auto item = basic_string();
      if (!item) return false;
      items.push_back(std::string(*item));
      skip_blanks();
      if (take(']')) break;
      if (!take(',')) return false;
    }
    return sink.value(key, items);
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

bool parse_each(std::string_view text, Sink& sink) {
  // TOML refuses a section or a key defined twice (toml++: redefinition);
  // those are left to toml++, for its error. Views into `text`.
  std::vector<std::string_view> sections;
  std::vector<std::string_view> keys;  // of the current section
  bool in_section = false;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r' && newline != std::string_view::npos)
      line.remove_suffix(1);
    if (!plain_ascii(line)) return false;
    Line reader(line);
    if (reader.ends()) continue;
    if (reader.take('[')) {
      std::string_view name = reader.bare_key();
      if (name.empty() || !reader.take(']') || !reader.ends() || std::ranges::count(sections, name))
        return false;
      sections.push_back(name);
      keys.clear();
      in_section = true;
      if (!sink.section(name)) return false;
      continue;
    }
    // A key before any [section] belongs to the root table: apply_table
    // refuses it, with toml++'s line number.
    std::string_view key;
    if (!in_section || !reader.key_value(sink, key) || std::ranges::count(keys, key)) return false;
    keys.push_back(key);
  }
  return true;
}

namespace {

// parse()'s table, built from parse_each.
class TableSink final : public Sink {
 public:
  bool section(std::string_view name) override {
    section_ = root.insert(name, toml::table{}).first->second.as_table();
    return true;
  }
  bool value(std::string_view key, const toml::node& value) override {
    return section_->insert(key, value).second;
  }
  toml::table root;

 private:
  toml::table* section_ = nullptr;
};

}  // namespace

std::optional<toml::table> parse(std::string_view text) {
  TableSink sink;
  if (!parse_each(text, sink)) return std::nullopt;
  return std::move(sink.root);
}

}  // namespace mailroom::config_plain
