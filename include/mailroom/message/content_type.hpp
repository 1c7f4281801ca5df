// Content-Type (RFC 2045 §5), Content-Disposition (RFC 2183) and the
// attachment file name a user would see.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/message/defect.hpp"
#include "mailroom/message/rfc2231.hpp"

namespace mailroom::message {

struct ContentType {
  std::string type = "text";      // lower case
  std::string subtype = "plain";  // lower case
  Parameters params;
  bool explicit_type = false;  // false: defaulted (missing or unparsable, §5.2)

  [[nodiscard]] bool is(std::string_view t, std::string_view s = {}) const noexcept;
  [[nodiscard]] bool is_multipart() const noexcept { return type == "multipart"; }
  [[nodiscard]] bool is_message() const noexcept;            // message/rfc822 or message/global
  [[nodiscard]] std::string_view charset() const noexcept;   // "" if none
  [[nodiscard]] std::string_view boundary() const noexcept;  // "" if none
  [[nodiscard]] std::string mime_type() const { return type + "/" + subtype; }
};

// Parses a Content-Type value. Missing or invalid gives `fallback`'s type
// (text/plain, or message/rfc822 inside multipart/digest, RFC 2046 §5.1.5)
// with the parameters that could be read.
ContentType parse_content_type(std::string_view value, Defects& defects,
                               std::string_view fallback = "text/plain");

struct ContentDisposition {
  std::string type;  // "inline", "attachment", ... lower case; "" if absent
  Parameters params;
  [[nodiscard]] bool is_attachment() const noexcept { return type == "attachment"; }
};

ContentDisposition parse_content_disposition(std::string_view value, Defects& defects);

// The file name: Content-Disposition filename, else Content-Type name
// (RFC 2183 §2.3, RFC 2046 §4.5.1 obsolete "name"); "" if none. Directory
// parts are kept as written: callers that write files must sanitise.
std::string filename(const ContentDisposition& cd, const ContentType& ct);

}  // namespace mailroom::message
