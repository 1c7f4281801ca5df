// MIME parameter lists, RFC 2045 §5.1 with RFC 2231 extensions.
#include "mailroom/message/rfc2231.hpp"

#include <algorithm>
#include <cstdlib>

#include "mailroom/message/charset.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/rfc2047.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::message {
namespace {

// One "name=value" as written, before RFC 2231 assembly.
struct RawParam {
  std::string name;  // lower case, may end in "*", "*0", "*0*"
  std::string value;
  bool quoted = false;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  bool done() const noexcept { return i_ >= s_.size(); }

  // Skips white space and (nested) comments, RFC 5322 §3.2.2 CFWS.
  void skip_cfws() {
    while (i_ < s_.size()) {
      if (is_space(s_[i_])) {
        ++i_;
      } else if (s_[i_] == '(') {
        int depth = 0;
        while (i_ < s_.size()) {
          const char c = s_[i_++];
          if (c == '\\') {
            if (i_ < s_.size()) ++i_;  // a quoted pair; a trailing '\' ends the text
          } else if (c == '(') {
            ++depth;
          } else if (c == ')' && --depth == 0) {
            break;
          }
        }
      } else {
        return;
      }
    }
  }

  std::string_view token(std::string_view stop) {
    const std::size_t b = i_;
    while (i_ < s_.size() && stop.find(s_[i_]) == std::string_view::npos && s_[i_] != '(') ++i_;
    std::string_view t = s_.substr(b, i_ - b);
    while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
    return t;
  }

  // RFC 5322 quoted-string; an unterminated one runs to the end.
  std::string quoted() {
    std::string out;
    ++i_;  // opening quote
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      if (s_[i_] != '\r' && s_[i_] != '\n') out.push_back(s_[i_]);
      ++i_;
    }
    if (i_ < s_.size()) ++i_;  // closing quote
    return out;
  }

  bool peek(char c) const noexcept { return i_ < s_.size() && s_[i_] == c; }
  void skip() noexcept { ++i_; }
  void skip_to(char c) noexcept {
    while (i_ < s_.size() && s_[i_] != c) ++i_;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

// Real headers carry a handful; the cap keeps the grouping below cheap on
// a hostile header of a million "a*1=b;" sections.
constexpr std::size_t kMaxParams = 256;

std::vector<RawParam> lex_params(std::string_view text) {
  std::vector<RawParam> out;
  Lexer lx(text);
  while (!lx.done() && out.size() < kMaxParams) {
    lx.skip_cfws();
    if (lx.peek(';')) {
      lx.skip();
      continue;
    }
    if (lx.done()) break;
    const std::string_view name = lx.token("=;");
    lx.skip_cfws();
    if (!lx.peek('=')) {  // "; junk ;" without a value
      lx.skip_to(';');
      continue;
    }
    lx.skip();
    lx.skip_cfws();
    RawParam p;
    p.name = ascii_lower(name);
    if (lx.peek('"')) {
      p.value = lx.quoted();
      p.quoted = true;
      lx.skip_to(';');  // junk after the closing quote
    } else {
      p.value = std::string(lx.token(";"));
      lx.skip_cfws();
    }
    if (!p.name.empty()) out.push_back(std::move(p));
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// A section of an RFC 2231 parameter: name*<n>[*] or name*.
struct Section {
  std::string base;
  long number = 0;
  bool extended = false;  // value is charset'lang'%XX (first) or %XX
  std::string value;
};

bool split_section(const RawParam& p, Section& s) {
  const auto star = p.name.find('*');
  if (star == std::string::npos) return false;
  s.base = p.name.substr(0, star);
  std::string_view rest = std::string_view(p.name).substr(star + 1);
  s.extended = !rest.empty() && rest.back() == '*';
  if (s.extended) rest.remove_suffix(1);
  if (rest.empty()) {
    s.number = 0;
    s.extended = true;  // "name*" alone
  } else {
    if (rest.size() > 4 ||
        !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    s.number = std::strtol(std::string(rest).c_str(), nullptr, 10);
  }
  s.value = p.value;
  return !s.base.empty();
}

// RFC 2231 §3 and §4: join the sections in order; the first extended
// section carries charset'language'.
std::string assemble(std::vector<Section>& sections, Defects& defects) {
  std::stable_sort(sections.begin(), sections.end(),
                   [](const Section& a, const Section& b) { return a.number < b.number; });
  std::string charset;
  std::string bytes;
  bool first = true;
  for (const Section& s : sections) {
    std::string_view v = s.value;
    if (s.extended && first) {
      const auto q1 = v.find('\'');
      const auto q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
      if (q2 != std::string_view::npos) {
        charset = std::string(v.substr(0, q1));
        v = v.substr(q2 + 1);
      }
    }
    first = false;
    bytes += s.extended ? percent_decode(v) : std::string(v);
  }
  if (charset.empty()) return header_bytes_to_utf8(bytes);
  return to_utf8(bytes, charset, defects);
}

}  // namespace

const std::string* Parameters::find(std::string_view name) const noexcept {
  for (const auto& p : list_) {
    if (iequals(p.name, name)) return &p.value;
  }
  return nullptr;
}

Parameters parse_parameters(std::string_view text, Defects& defects) {
  std::vector<Parameter> plain;
  std::vector<std::vector<Section>> extended;  // grouped by base name, in order of appearance
  for (const RawParam& p : lex_params(text)) {
    Section s;
    if (split_section(p, s)) {
      auto it = std::find_if(extended.begin(), extended.end(),
                             [&](const auto& group) { return group.front().base == s.base; });
      if (it == extended.end()) {
        extended.push_back({std::move(s)});
      } else {
        it->push_back(std::move(s));
      }
      continue;
    }
    std::string value = p.value.find("=?") != std::string::npos ? decode_rfc2047(p.value, defects)
                                                                : header_bytes_to_utf8(p.value);
    plain.push_back({p.name, std::move(value)});
  }
  for (auto& group : extended) {
    std::string value = assemble(group, defects);
    const std::string& base = group.front().base;
    auto it = std::find_if(plain.begin(), plain.end(),
                           [&](const Parameter& q) { return q.name == base; });
    if (it != plain.end()) {
      it->value = std::move(value);
    } else {
      plain.push_back({base, std::move(value)});
    }
  }
  return Parameters(std::move(plain));
}

}  // namespace mailroom::message
