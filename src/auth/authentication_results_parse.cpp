// Authentication-Results parsing (RFC 8601 §2.2 ABNF), for fields other
// hosts wrote: CFWS (RFC 5322 §3.2.2) anywhere the grammar allows it,
// comments dropped, quoted strings unquoted, everything under ArLimits.
#include <algorithm>

#include "mailroom/auth/authentication_results.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {

namespace {

constexpr std::string_view kTspecials = "()<>@,;:\\\"/[]?=";

bool is_token_char(char c) {
  auto u = static_cast<unsigned char>(c);
  // RFC 6532: UTF-8 is allowed in values; bytes >= 128 pass.
  return u > 32 && u != 127 && kTspecials.find(c) == std::string_view::npos;
}

bool is_keyword_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

using Fail = tl::unexpected<ArError>;

class Cursor {
 public:
  Cursor(std::string_view text, const ArLimits& limits) : text_(text), limits_(limits) {}

  [[nodiscard]] bool done() const { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const { return done() ? '\0' : text_[pos_]; }
  [[nodiscard]] std::size_t pos() const { return pos_; }
  void advance() { ++pos_; }

  Fail fail(ArErrorCode code) const { return Fail(ArError{code, pos_}); }

  // CFWS: white space, line endings (folds) and nested comments.
  tl::expected<void, ArError> skip_cfws() {
    while (!done()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (c == '(') {
        if (auto ok = skip_comment(); !ok) return ok;
      } else {
        break;
      }
    }
    return {};
  }

  // A comment, with nesting and quoted-pairs (RFC 5322 §3.2.2).
  tl::expected<void, ArError> skip_comment() {
    std::size_t depth = 0;
    std::size_t start = pos_;
    while (!done()) {
      char c = text_[pos_++];
      if (c == '\\') {
        if (done()) break;
        ++pos_;
      } else if (c == '(') {
        if (++depth > limits_.max_comment_depth) return fail(ArErrorCode::bad_comment);
      } else if (c == ')') {
        if (--depth == 0) return {};
      }
    }
    pos_ = start;
    return fail(ArErrorCode::bad_comment);
  }

  tl::expected<std::string, ArError> quoted_string() {
    std::size_t start = pos_;
    ++pos_;  // the opening quote
    std::string out;
    while (!done()) {
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        // quoted-pair = "\" (VCHAR / WSP) (RFC 5322 §3.2.1): not a line end.
        if (done() || peek() == '\r' || peek() == '\n') break;
        out += text_[pos_++];
      } else if (c == '\r' || c == '\n') {
        // FWS inside a quoted string: the fold goes, the WSP after it stays.
        if (!done() && peek() != ' ' && peek() != '\t' && peek() != '\n') {
          pos_ = start;
          return fail(ArErrorCode::bad_quoted_string);
        }
      } else {
        out += c;
      }
    }
    pos_ = start;
    return fail(ArErrorCode::bad_quoted_string);
  }

  std::string_view run(bool (*accept)(char)) {
    std::size_t start = pos_;
    while (!done() && accept(peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // value = token / quoted-string
  tl::expected<std::string, ArError> value(ArErrorCode code) {
    if (peek() == '"') return quoted_string();
    auto token = run(is_token_char);
    if (token.empty()) return fail(code);
    return std::string(token);
  }

  // pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS].
  // Read liberally: anything up to CFWS or ";" (some writers leave "/" and
  // "=" of a base64 header.b unquoted).
  tl::expected<std::string, ArError> pvalue() {
    std::string out;
    if (peek() == '"') {
      auto quoted = quoted_string();
      if (!quoted) return quoted;
      out = std::move(*quoted);
      if (peek() != '@') return out;
    }
    auto rest = run([](char c) {
      auto u = static_cast<unsigned char>(c);
      return u > 32 && u != 127 && c != ';' && c != '(' && c != '"';
    });
    out += rest;
    if (out.empty() && rest.empty()) {
      // An empty value is allowed only as a quoted string ("").
      return fail(ArErrorCode::bad_property);
    }
    return out;
  }

 private:
  std::string_view text_;
  const ArLimits& limits_;
  std::size_t pos_ = 0;
};

#define AR_TRY(expr)                                                       \
  do {                                                                     \
    if (auto ar_ok = (expr); !ar_ok) return tl::unexpected(ar_ok.error()); \
  } while (false)

// method [ [CFWS] "/" [CFWS] method-version ] [CFWS] "=" [CFWS] result
tl::expected<void, ArError> methodspec(Cursor& in, ArResult& out) {
  AR_TRY(in.skip_cfws());
  auto method = in.run(is_keyword_char);
  if (method.empty()) return in.fail(ArErrorCode::bad_method);
  out.method = ascii_lower(method);
  AR_TRY(in.skip_cfws());
  if (in.peek() == '/') {
    in.advance();
    AR_TRY(in.skip_cfws());
    auto digits = in.run([](char c) { return c >= '0' && c <= '9'; });
    if (digits.empty() || digits.size() > 9) return in.fail(ArErrorCode::bad_method);
    out.method_version = static_cast<unsigned>(std::stoul(std::string(digits)));
    AR_TRY(in.skip_cfws());
  }
  if (in.peek() != '=') return in.fail(ArErrorCode::bad_result);
  in.advance();
  AR_TRY(in.skip_cfws());
  auto result = in.run(is_keyword_char);
  if (result.empty()) return in.fail(ArErrorCode::bad_result);
  out.result = ascii_lower(result);
  return {};
}

// [ CFWS reasonspec ] [ CFWS 1*propspec ], up to ";" or the end.
tl::expected<void, ArError> specs(Cursor& in, ArResult& out, const ArLimits& limits) {
  while (true) {
    AR_TRY(in.skip_cfws());
    if (in.done() || in.peek() == ';') return {};
    std::size_t start = in.pos();
    auto ptype = in.run(is_keyword_char);
    if (ptype.empty()) return in.fail(ArErrorCode::bad_property);
    AR_TRY(in.skip_cfws());
    if (in.peek() == '=' && out.reason.empty() && out.properties.empty() &&
        ascii_lower(ptype) == "reason") {
      in.advance();
      AR_TRY(in.skip_cfws());
      auto reason = in.value(ArErrorCode::bad_property);
      if (!reason) return tl::unexpected(reason.error());
      out.reason = std::move(*reason);
      continue;
    }
    if (in.peek() != '.') return Fail(ArError{ArErrorCode::bad_property, start});
    in.advance();
    AR_TRY(in.skip_cfws());
    auto property = in.run(is_keyword_char);
    if (property.empty()) return in.fail(ArErrorCode::bad_property);
    AR_TRY(in.skip_cfws());
    if (in.peek() != '=') return in.fail(ArErrorCode::bad_property);
    in.advance();
    AR_TRY(in.skip_cfws());
    auto value = in.pvalue();
    if (!value) return tl::unexpected(value.error());
    if (out.properties.size() >= limits.max_properties) return in.fail(ArErrorCode::too_many);
    out.properties.push_back(
        ArProperty{ascii_lower(ptype), ascii_lower(property), std::move(*value)});
  }
}

}  // namespace

const std::string* ArResult::find(std::string_view ptype,
                                  std::string_view property) const noexcept {
  for (const auto& p : properties) {
    if (p.ptype == ptype && p.property == property) return &p.value;
  }
  return nullptr;
}

std::string_view to_string(ArErrorCode code) noexcept {
  switch (code) {
    case ArErrorCode::too_long:
      return "too_long";
    case ArErrorCode::too_many:
      return "too_many";
    case ArErrorCode::bad_authserv_id:
      return "bad_authserv_id";
    case ArErrorCode::bad_version:
      return "bad_version";
    case ArErrorCode::bad_method:
      return "bad_method";
    case ArErrorCode::bad_result:
      return "bad_result";
    case ArErrorCode::bad_property:
      return "bad_property";
    case ArErrorCode::bad_quoted_string:
      return "bad_quoted_string";
    case ArErrorCode::bad_comment:
      return "bad_comment";
    case ArErrorCode::trailing_garbage:
      return "trailing_garbage";
    case ArErrorCode::empty:
      return "empty";
  }
  return "empty";
}

std::string ArError::describe() const {
  return std::string(to_string(code)) + " at byte " + std::to_string(offset);
}

tl::expected<AuthenticationResults, ArError> parse_authentication_results(std::string_view value,
                                                                          const ArLimits& limits) {
  if (value.size() > limits.max_bytes)
    return Fail(ArError{ArErrorCode::too_long, limits.max_bytes});
  Cursor in(value, limits);
  AuthenticationResults out;
  AR_TRY(in.skip_cfws());
  auto id = in.value(ArErrorCode::bad_authserv_id);
  if (!id) return tl::unexpected(id.error());
  out.authserv_id = std::move(*id);
  AR_TRY(in.skip_cfws());
  // [ CFWS authres-version ]
  if (in.peek() >= '0' && in.peek() <= '9') {
    auto digits = in.run([](char c) { return c >= '0' && c <= '9'; });
    if (digits.size() > 9) return in.fail(ArErrorCode::bad_version);
    out.version = static_cast<unsigned>(std::stoul(std::string(digits)));
    AR_TRY(in.skip_cfws());
  }
  if (in.peek() != ';') return in.fail(in.done() ? ArErrorCode::empty : ArErrorCode::bad_version);
  // no-result: ";" [CFWS] "none" (the whole rest)
  {
    Cursor probe = in;
    probe.advance();
    if (probe.skip_cfws()) {
      auto word = probe.run(is_keyword_char);
      if (ascii_lower(word) == "none" && probe.skip_cfws() && probe.done()) return out;
    }
  }
  while (in.peek() == ';') {
    in.advance();
    AR_TRY(in.skip_cfws());
    if (in.done()) break;  // a trailing ";" is common; accept it
    if (out.results.size() >= limits.max_results) return in.fail(ArErrorCode::too_many);
    ArResult result;
    AR_TRY(methodspec(in, result));
    AR_TRY(specs(in, result, limits));
    out.results.push_back(std::move(result));
  }
  AR_TRY(in.skip_cfws());
  if (!in.done()) return in.fail(ArErrorCode::trailing_garbage);
  if (out.results.empty()) return Fail(ArError{ArErrorCode::empty, value.size()});
  return out;
}

std::optional<std::string> authserv_id_of(std::string_view value, const ArLimits& limits) {
  if (value.size() > limits.max_bytes) value = value.substr(0, limits.max_bytes);
  Cursor in(value, limits);
  if (!in.skip_cfws()) return std::nullopt;
  bool quoted = in.peek() == '"';
  auto id = in.value(ArErrorCode::bad_authserv_id);
  if (!id) return std::nullopt;
  return quoted ? *id : ascii_lower(*id);
}

std::vector<std::size_t> find_claiming(std::span<const message::HeaderField> headers,
                                       std::string_view ours) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (!iequals(headers[i].name, "Authentication-Results")) continue;
    auto id = authserv_id_of(headers[i].value);
    if (id && iequals(*id, ours)) out.push_back(i);
  }
  return out;
}

std::optional<TrustedResults> find_trusted(std::span<const message::HeaderField> headers,
                                           std::span<const std::string> trusted,
                                           const ArLimits& limits) {
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (!iequals(headers[i].name, "Authentication-Results")) continue;
    auto id = authserv_id_of(headers[i].value, limits);
    if (!id) continue;
    bool known = std::any_of(trusted.begin(), trusted.end(),
                             [&](const std::string& t) { return iequals(t, *id); });
    if (!known) continue;
    // The topmost one only: if it does not parse, an older field below it
    // is not what the trusted host said about this message.
    auto parsed = parse_authentication_results(headers[i].value, limits);
    if (!parsed) return std::nullopt;
    return TrustedResults{i, std::move(*parsed)};
  }
  return std::nullopt;
}

}  // namespace mailroom::auth
