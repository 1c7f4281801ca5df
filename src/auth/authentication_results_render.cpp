// Authentication-Results rendering (RFC 8601 §2.2), folded per RFC 5322
// §2.2.3: a line ending is only ever inserted before an existing space.
#include <algorithm>
#include <array>

#include "mailroom/auth/authentication_results.hpp"

namespace mailroom::auth {

namespace {

constexpr std::string_view kTspecials = "()<>@,;:\\\"/[]?=";
constexpr std::size_t kTabWidth = 8;  // count a leading tab as a reader sees it

// RFC 2045 token characters, by table: a find() in kTspecials per byte was
// half of quoting a value (8,000 instructions a delivery, callgrind).
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (unsigned u = 33; u < 127; ++u)
    table[u] = kTspecials.find(static_cast<char>(u)) == std::string_view::npos;
  return table;
}();

bool is_token_char(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

bool is_atext(char c) {
  auto u = static_cast<unsigned char>(c);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return u < 127 && std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dot_atom(std::string_view s, bool (*allowed)(char)) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  if (s.find("..") != std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return c == '.' || allowed(c); });
}

bool is_domain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string resinfo_text(const ArResult& r) {
  std::string out = r.method;
  if (r.method_version != 1) out += "/" + std::to_string(r.method_version);
  out += "=" + r.result;
  if (!r.comment.empty()) {
    std::string comment = r.comment;
    std::replace_if(
        comment.begin(), comment.end(),
        [](char c) { return c == '(' || c == ')' || c == '\\' || c == '\r' || c == '\n'; }, ' ');
    out += " (" + comment + ")";
  }
  if (!r.reason.empty()) out += " reason=" + quote_value(r.reason, false);
  for (const auto& p : r.properties)
    out += " " + p.ptype + "." + p.property + "=" + quote_value(p.value);
  return out;
}

// Words joined by single spaces; a line ending goes before a space when
// the next word would pass max_line.
void fold_into(std::string& out, std::string_view text, std::size_t column,
               const ArRenderOptions& options) {
  bool first = true;
  while (!text.empty()) {
    auto space = text.find(' ');
    std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    if (!first) {
      if (column + 1 + word.size() > options.max_line) {
        out += options.line_ending;
        column = 0;
      }
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    first = false;
  }
}

}  // namespace

std::string quote_value(std::string_view value, bool address_form) {
  if (!value.empty() && std::all_of(value.begin(), value.end(), is_token_char)) {
    return std::string(value);
  }
  auto at = address_form ? value.rfind('@') : std::string_view::npos;
  if (at != std::string_view::npos) {
    std::string_view local = value.substr(0, at);
    std::string_view domain = value.substr(at + 1);
    if ((local.empty() || is_dot_atom(local, is_atext)) && is_dot_atom(domain, is_domain_char)) {
      return std::string(value);
    }
  }
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  // Runs with nothing to change are copied whole (a reason is a sentence).
  while (!value.empty()) {
    std::size_t run = 0;
    while (run < value.size() && value[run] != '\r' && value[run] != '\n' && value[run] != '"' &&
           value[run] != '\\')
      ++run;
    out.append(value.substr(0, run));
    if (run == value.size()) break;
    const char c = value[run];
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\r' || c == '\n' ? ' ' : c;
    value.remove_prefix(run + 1);
  }
  out += '"';
  return out;
}

std::string render_authentication_results(const AuthenticationResults& results,
                                          const ArRenderOptions& options) {
  std::string out;
  std::string id = quote_value(results.authserv_id, false);
  if (results.results.empty()) {
    fold_into(out, id + "; none", options.prefix_length, options);
    return out;
  }
  out += id + ";";
  for (std::size_t i = 0; i < results.results.size(); ++i) {
    std::string line = resinfo_text(results.results[i]);
    if (i + 1 < results.results.size()) line += ";";
    out += options.line_ending;
    out += '\t';
    fold_into(out, line, kTabWidth, options);
  }
  return out;
}

}  // namespace mailroom::auth
