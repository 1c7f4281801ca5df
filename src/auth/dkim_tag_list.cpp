#include "mailroom/auth/dkim_tag_list.hpp"

#include <algorithm>

namespace mailroom::auth {
namespace {

bool is_fws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// §3.2: VALCHAR = %x21-3A / %x3C-7E (every visible ASCII byte but ";").
bool is_valchar(char c) { return c >= 0x21 && c <= 0x7e && c != ';'; }

std::size_t skip_fws(std::string_view s, std::size_t i) {
  while (i < s.size() && is_fws(s[i])) ++i;
  return i;
}

// One tag-spec starting at `i` (leading FWS already skipped); returns the
// tag and leaves `i` on the ";" or the end.
TagResult<Tag> parse_tag_spec(std::string_view s, std::size_t& i) {
  Tag tag;
  tag.name_offset = i;
  if (i >= s.size() || !is_alpha(s[i])) return tag_error(TagErrorCode::bad_tag_name, i);
  std::size_t name_end = i + 1;
  while (name_end < s.size() &&
         (is_alpha(s[name_end]) || is_digit(s[name_end]) || s[name_end] == '_')) {
    ++name_end;
  }
  tag.name = s.substr(i, name_end - i);
  i = skip_fws(s, name_end);
  if (i >= s.size() || s[i] != '=') {
    // A name followed by junk ("a b=1") is a bad name; a bare name is a missing "=".
    auto code =
        (i < s.size() && s[i] != ';') ? TagErrorCode::bad_tag_name : TagErrorCode::missing_equals;
    return tag_error(code, i, std::string(tag.name));
  }
  ++i;
  tag.value_begin = i;
  std::size_t end = i;
  while (end < s.size() && s[end] != ';') {
    if (!is_valchar(s[end]) && !is_fws(s[end])) {
      return tag_error(TagErrorCode::bad_value, end, std::string(tag.name));
    }
    ++end;
  }
  tag.value_end = end;
  std::size_t vb = skip_fws(s, i);
  std::size_t ve = end;
  while (ve > vb && is_fws(s[ve - 1])) --ve;
  tag.value = s.substr(vb, ve - vb);
  i = end;
  return tag;
}

}  // namespace

std::string_view to_string(TagErrorCode code) noexcept {
  switch (code) {
    case TagErrorCode::too_long:
      return "too_long";
    case TagErrorCode::too_many_tags:
      return "too_many_tags";
    case TagErrorCode::bad_tag_name:
      return "bad_tag_name";
    case TagErrorCode::missing_equals:
      return "missing_equals";
    case TagErrorCode::bad_value:
      return "bad_value";
    case TagErrorCode::duplicate_tag:
      return "duplicate_tag";
    case TagErrorCode::missing_tag:
      return "missing_tag";
    case TagErrorCode::invalid_tag:
      return "invalid_tag";
    case TagErrorCode::unsupported:
      return "unsupported";
  }
  return "unknown";
}

std::string TagError::describe() const {
  std::string out(to_string(code));
  out += " at byte ";
  out += std::to_string(offset);
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

Error TagError::to_error() const {
  bool limit = code == TagErrorCode::too_long || code == TagErrorCode::too_many_tags;
  return Error{limit ? ErrorKind::limit : ErrorKind::parse, describe(), 0};
}

const Tag* TagList::find(std::string_view name) const noexcept {
  auto it = std::find_if(tags.begin(), tags.end(), [&](const Tag& t) { return t.name == name; });
  return it == tags.end() ? nullptr : &*it;
}

TagResult<TagList> parse_tag_list(std::string_view s, const TagListLimits& limits) {
  if (s.size() > limits.max_bytes) return tag_error(TagErrorCode::too_long, limits.max_bytes);
  TagList list;
  std::size_t i = skip_fws(s, 0);
  while (i < s.size()) {
    if (list.tags.size() >= limits.max_tags) return tag_error(TagErrorCode::too_many_tags, i);
    auto tag = parse_tag_spec(s, i);
    if (!tag) return tl::unexpected(tag.error());
    if (list.find(tag->name) != nullptr) {
      return tag_error(TagErrorCode::duplicate_tag, tag->name_offset, std::string(tag->name));
    }
    list.tags.push_back(*tag);
    if (i < s.size()) ++i;  // the ";"; §3.2 allows one trailing ";"
    i = skip_fws(s, i);
  }
  return list;
}

std::string strip_whitespace(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (!is_fws(c)) out.push_back(c);
  }
  return out;
}

}  // namespace mailroom::auth
