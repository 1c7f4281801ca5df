// Content-Type (RFC 2045 §5.1) and Content-Disposition (RFC 2183 §2).
#include "mailroom/message/content_type.hpp"

#include "mailroom/message/header.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::message {
namespace {

// RFC 2045 §5.1 token characters.
bool is_token_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 32 || u >= 127) return false;
  return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

void skip_ws(std::string_view s, std::size_t& i) noexcept {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
}

std::string_view read_token(std::string_view s, std::size_t& i) noexcept {
  const std::size_t b = i;
  while (i < s.size() && is_token_char(s[i])) ++i;
  return s.substr(b, i - b);
}

}  // namespace

bool ContentType::is(std::string_view t, std::string_view s) const noexcept {
  return iequals(type, t) && (s.empty() || iequals(subtype, s));
}

bool ContentType::is_message() const noexcept {
  return type == "message" && (subtype == "rfc822" || subtype == "global");
}

std::string_view ContentType::charset() const noexcept {
  const std::string* v = params.find("charset");
  return v == nullptr ? std::string_view() : std::string_view(*v);
}

std::string_view ContentType::boundary() const noexcept {
  const std::string* v = params.find("boundary");
  return v == nullptr ? std::string_view() : std::string_view(*v);
}

ContentType parse_content_type(std::string_view value, Defects& defects,
                               std::string_view fallback) {
  ContentType ct;
  const auto slash = fallback.find('/');
  ct.type = std::string(fallback.substr(0, slash));
  ct.subtype = slash == std::string_view::npos ? "" : std::string(fallback.substr(slash + 1));
  std::size_t i = 0;
  skip_ws(value, i);
  const std::string_view type = read_token(value, i);
  skip_ws(value, i);
  if (!type.empty() && i < value.size() && value[i] == '/') {
    ++i;
    skip_ws(value, i);
    const std::string_view sub = read_token(value, i);
    if (!sub.empty()) {
      ct.type = ascii_lower(type);
      ct.subtype = ascii_lower(sub);
      ct.explicit_type = true;
    }
  }
  // §5.2: with an unparsable type, the parameters still count (charset).
  const std::size_t semi = value.find(';', i);
  if (semi != std::string_view::npos) ct.params = parse_parameters(value.substr(semi), defects);
  return ct;
}

ContentDisposition parse_content_disposition(std::string_view value, Defects& defects) {
  ContentDisposition cd;
  std::size_t i = 0;
  skip_ws(value, i);
  cd.type = ascii_lower(read_token(value, i));
  const std::size_t semi = value.find(';', i);
  if (semi != std::string_view::npos) cd.params = parse_parameters(value.substr(semi), defects);
  return cd;
}

std::string filename(const ContentDisposition& cd, const ContentType& ct) {
  if (const std::string* f = cd.params.find("filename"); f != nullptr && !f->empty()) return *f;
  if (const std::string* n = ct.params.find("name"); n != nullptr) return *n;
  return {};
}

}  // namespace mailroom::message
