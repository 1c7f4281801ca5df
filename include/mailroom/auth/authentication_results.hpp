// Authentication-Results (RFC 8601): the model of one field, a parser for
// untrusted fields (§2.2 grammar, CFWS and comments, under ArLimits) and a
// renderer that folds at 78 characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "mailroom/message/header.hpp"

namespace mailroom::auth {

struct ArProperty {
  std::string ptype;     // "smtp", "header", "policy", ... (lower case)
  std::string property;  // "mailfrom", "d", ... (lower case)
  std::string value;     // quoting removed
  friend bool operator==(const ArProperty&, const ArProperty&) = default;
};

// One resinfo: "method=result reason=... ptype.property=value ...".
struct ArResult {
  std::string method;  // lower case
  unsigned method_version = 1;
  std::string result;  // lower case
  std::string reason;  // quoting removed; empty if none
  std::vector<ArProperty> properties;
  // A comment to render after the result (e.g. "p=reject dis=none"); the
  // parser drops comments, so it stays empty there.
  std::string comment;

  // The value of the first ptype.property, or nullptr.
  [[nodiscard]] const std::string* find(std::string_view ptype,
                                        std::string_view property) const noexcept;
};

struct AuthenticationResults {
  std::string authserv_id;
  unsigned version = 1;
  std::vector<ArResult> results;  // empty for "id; none"
};

struct ArLimits {
  std::size_t max_bytes = std::size_t{64} << 10;  // whole field value
  std::size_t max_results = 64;                   // resinfo entries
  std::size_t max_properties = 32;                // per resinfo
  std::size_t max_comment_depth = 8;              // nested comments
};

enum class ArErrorCode : std::uint8_t {
  too_long,
  too_many,           // results or properties past ArLimits
  bad_authserv_id,    // no token or quoted-string at the start
  bad_version,        // authres-version that is not digits
  bad_method,         // method keyword or "/" version
  bad_result,         // missing "=" or result keyword
  bad_property,       // ptype "." property "=" pvalue
  bad_quoted_string,  // unterminated, or a bare CR/LF in it
  bad_comment,        // unterminated or too deep
  trailing_garbage,   // text after the last resinfo that is not one
  empty,              // neither "none" nor a resinfo
};

[[nodiscard]] std::string_view to_string(ArErrorCode code) noexcept;

struct ArError {
  ArErrorCode code = ArErrorCode::empty;
  std::size_t offset = 0;  // byte offset in the value

  [[nodiscard]] std::string describe() const;
};

// Parses a field value (after "Authentication-Results:"), folds allowed.
[[nodiscard]] tl::expected<AuthenticationResults, ArError> parse_authentication_results(
    std::string_view value, const ArLimits& limits = {});

// Just the authserv-id (lower case for a token, as written for a quoted
// string), without reading the rest: enough to spot a field that claims to
// be ours even when the rest of it does not parse.
[[nodiscard]] std::optional<std::string> authserv_id_of(std::string_view value,
                                                        const ArLimits& limits = {});

// The indices in `headers` of every Authentication-Results field whose
// authserv-id is `ours` (case-insensitive): RFC 8601 §5 says to remove or
// rename them before adding our own, so that nobody can forge a pass.
[[nodiscard]] std::vector<std::size_t> find_claiming(std::span<const message::HeaderField> headers,
                                                     std::string_view ours);

// The topmost Authentication-Results field whose authserv-id is one of
// `trusted` and that parses, with its index in `headers`.
struct TrustedResults {
  std::size_t index = 0;
  AuthenticationResults results;
};
[[nodiscard]] std::optional<TrustedResults> find_trusted(
    std::span<const message::HeaderField> headers, std::span<const std::string> trusted,
    const ArLimits& limits = {});

// The name a forged field gets: RFC 8601 §5 allows removing or renaming; we
// rename, so the postmaster can still see what the sender claimed, and the
// "X-" name is one no consumer of Authentication-Results reads.
inline constexpr std::string_view kForgedFieldName = "X-Forged-Authentication-Results";

struct ArRenderOptions {
  std::string_view line_ending = "\n";  // as the delivery writes its other trace fields
  std::size_t max_line = 78;            // RFC 5322 §2.1.1 SHOULD
  // Length of "Authentication-Results: " in front of the first line.
  std::size_t prefix_length = 24;
};

// The field value: "authserv-id;" then one resinfo per line, folded at
// spaces so that no line passes max_line when that is possible. Values are
// quoted when they are not a token or an address (RFC 8601 §2.2 pvalue).
[[nodiscard]] std::string render_authentication_results(const AuthenticationResults& results,
                                                        const ArRenderOptions& options = {});

// A value as RFC 8601 writes it: a token (or, for a property value, a
// [local-part "@"] domain) as is, anything else as a quoted-string. The
// authserv-id and reason= are plain `value`s: no address form.
[[nodiscard]] std::string quote_value(std::string_view value, bool address_form = true);

}  // namespace mailroom::auth
