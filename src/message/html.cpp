// HTML to text with a small tolerant tag stripper, not a real HTML parser.
// Why: the consumers (Sieve "body :text", the Bayes tokeniser) need the
// words a reader sees, not a DOM; a conforming HTML5 parser (gumbo, lexbor)
// would be a new dependency with its own attack surface and allocation per
// node, while this single pass is linear, bounded by max_out, allocation-free
// apart from the output, and cannot be made to recurse. Text hidden by CSS
// is still emitted; spam rules look at that separately.
#include "mailroom/message/html.hpp"

#include "mailroom/message/charset.hpp"
#include "mailroom/util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <utility>

namespace mailroom::message {
namespace {

bool is_html_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

// The bytes that end a run of plain text: a tag, an entity, white space.
constexpr std::array<bool, 256> kRunEnd = [] {
  std::array<bool, 256> table{};
  for (const char c : std::string_view("<& \t\r\n\f")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool istarts(std::string_view s, std::size_t i, std::string_view prefix) noexcept {
  if (i + prefix.size() > s.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    if (ascii_lower(s[i + k]) != prefix[k]) return false;
  }
  return true;
}

std::size_t ifind(std::string_view s, std::size_t from, std::string_view needle) noexcept {
  for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (istarts(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

// The named references mail actually uses; others stay as written.
constexpr std::array<std::pair<std::string_view, std::uint32_t>, 32> kEntities{{
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"copy", 0xA9},     {"reg", 0xAE},     {"trade", 0x2122}, {"euro", 0x20AC},
    {"pound", 0xA3},   {"yen", 0xA5},      {"cent", 0xA2},    {"sect", 0xA7},    {"deg", 0xB0},
    {"middot", 0xB7},  {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"bull", 0x2022},  {"laquo", 0xAB},
    {"raquo", 0xBB},   {"eacute", 0xE9},   {"egrave", 0xE8},  {"agrave", 0xE0},  {"uuml", 0xFC},
    {"ouml", 0xF6},    {"auml", 0xE4},
}};

bool is_block_tag(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 16> kBlocks{
      "br", "p",  "div", "tr", "li", "h1", "h2",         "h3",
      "h4", "h5", "h6",  "hr", "ul", "ol", "blockquote", "table"};
  for (const auto b : kBlocks) {
    if (name == b) return true;
  }
  return false;
}

class Converter {
 public:
  Converter(std::string_view html, std::size_t max_out) : s_(html), max_(max_out) {}

  std::string run() {
    out_.reserve(std::min(s_.size(), max_));
    while (i_ < s_.size() && out_.size() < max_) {
      const char c = s_[i_];
      if (c == '<') {
        tag();
      } else if (c == '&') {
        entity();
      } else if (is_html_space(c)) {
        space();
        ++i_;
      } else {
        text_run();
      }
    }
    while (!out_.empty() && is_html_space(out_.back())) out_.pop_back();
    if (out_.size() > max_) out_.resize(max_);
    return std::move(out_);
  }

 private:
  // The run of plain text from i_ (up to a tag, an entity or white space)
  // appended at once, as far as max_ allows: what a byte at a time did
  // (it was 50 K instructions of the spam tokenizer's 4 KB message).
  // A single ' ' before a byte that is no white space is appended as it is
  // (what space() would append), so the run goes on over it: a run is a
  // line of words, not one word (25 K instructions of the spam tokenizer's
  // 4 KB message, callgrind).
  void text_run() {
    std::size_t end = i_ + 1;
    for (;;) {
      while (end < s_.size() && !kRunEnd[static_cast<unsigned char>(s_[end])]) ++end;
      if (end + 1 >= s_.size() || s_[end] != ' ' || is_html_space(s_[end + 1])) break;
      ++end;
    }
    const std::size_t take = std::min(end - i_, max_ - out_.size());
    out_.append(s_.substr(i_, take));
    i_ += take;
  }

  void space() {
    if (!out_.empty() && !is_html_space(out_.back())) out_.push_back(' ');
  }

  void newline() {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    if (!out_.empty() && out_.back() != '\n') out_.push_back('\n');
  }

  void skip_past(std::string_view end) {
    const std::size_t e = ifind(s_, i_, end);
    i_ = e == std::string_view::npos ? s_.size() : e + end.size();
  }

  void tag() {
    if (istarts(s_, i_, "<!--")) {
      i_ += 4;
      skip_past("-->");
      return;
    }
    std::size_t j = i_ + 1;
    const bool closing = j < s_.size() && s_[j] == '/';
    if (closing) ++j;
    const std::size_t name_begin = j;
    while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) != 0)) ++j;
    if (j == name_begin && !closing && (j >= s_.size() || (s_[j] != '!' && s_[j] != '?'))) {
      out_.push_back('<');  // "a < b": not a tag
      ++i_;
      return;
    }
    std::string name;
    for (std::size_t k = name_begin; k < j && name.size() < 16; ++k)
      name.push_back(ascii_lower(s_[k]));
    skip_tag_body(j);
    if (!closing && (name == "script" || name == "style" || name == "head" || name == "title")) {
      const std::string end = "</" + name;
      skip_past(end);
      skip_tag_body(i_);
      return;
    }
    if (is_block_tag(name)) newline();
  }

  // Moves past the ">" of a tag, honouring quoted attribute values.
  void skip_tag_body(std::size_t j) {
    char quote = 0;
    while (j < s_.size()) {
      const char c = s_[j++];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    i_ = j;
  }

  void entity() {
    std::size_t j = i_ + 1;
    while (j < s_.size() && j - i_ <= 10 &&
           (std::isalnum(static_cast<unsigned char>(s_[j])) != 0 || s_[j] == '#')) {
      ++j;
    }
    const std::string decoded = decode_html_entity(s_.substr(i_ + 1, j - i_ - 1));
    if (decoded.empty()) {
      out_.push_back('&');
      ++i_;
      return;
    }
    if (decoded == "\xC2\xA0") {
      space();
    } else {
      out_ += decoded;
    }
    i_ = j < s_.size() && s_[j] == ';' ? j + 1 : j;
  }

  std::string_view s_;
  std::size_t max_;
  std::size_t i_ = 0;
  std::string out_;
};

}  // namespace

std::string decode_html_entity(std::string_view name) {
  std::string out;
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string digits(name.substr(hex ? 2 : 1));
    if (digits.empty() || digits.size() > 8) return {};
    char* end = nullptr;
    const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
    if (end == nullptr || *end != '\0') return {};
    append_code_point(static_cast<std::uint32_t>(cp), out);
    return out;
  }
  for (const auto& [n, cp] : kEntities) {
    if (n == name) {
      append_code_point(cp, out);
      return out;
    }
  }
  return {};
}

std::string html_to_text(std::string_view html, std::size_t max_out) {
  return Converter(html, max_out).run();
}

}  // namespace mailroom::message
