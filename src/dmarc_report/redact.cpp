// Redacting the local part of addresses in failure reports (failure.hpp;
// RFC 6590 §4: the recipient's privacy, and that of anyone else named).
#include <cstring>
#include <string>

#include "mailroom/dmarc_report/failure.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::dmarc_report {
namespace {

// RFC 5322 §3.2.3 atext and '.', without '=': "smtp.mailfrom=a@b" in
// Authentication-Results keeps its property name, an SRS address its tags.
bool local_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c != '\0' && std::strchr("!#$%&'*+-/?^_`{|}~.", c) != nullptr) ||
         static_cast<unsigned char>(c) >= 0x80;  // RFC 6532 UTF-8 local parts
}

bool domain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || static_cast<unsigned char>(c) >= 0x80;
}

// The start of the local part that ends just before `at`; `at` when none.
// A quoted string takes the atoms before it along (a."b c"@x, RFC 5322
// §4.4 obs-local-part): what is left of a local part is redacted with it.
std::size_t local_start(std::string_view text, std::size_t at) {
  std::size_t start = at;
  if (at > 0 && text[at - 1] == '"') {  // "quoted string"@domain
    auto open = at >= 2 ? text.rfind('"', at - 2) : std::string_view::npos;
    if (open == std::string_view::npos) return at;
    start = open;
  }
  while (start > 0 && local_char(text[start - 1])) --start;
  return start;
}

bool kept(std::string_view domain, std::string_view keep) {
  if (keep.empty()) return false;
  const std::string lower = ascii_lower(domain);
  return lower == keep || (lower.size() > keep.size() && lower.ends_with(keep) &&
                           lower[lower.size() - keep.size() - 1] == '.');
}

}  // namespace

std::string redact_addresses(std::string_view text, std::string_view keep_domain) {
  const std::string keep = ascii_lower(keep_domain);
  std::string out;
  std::size_t copied = 0;
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    std::size_t end = at + 1;
    while (end < text.size() && domain_char(text[end])) ++end;
    const std::size_t start = local_start(text, at);
    // x@y@z: what follows an '@' is its domain, not a new local part (or
    // redacting it would give the first '@' a domain, "redacted").
    if (start > 0 && text[start - 1] == '@') continue;
    if (start == at || start < copied || end == at + 1 ||
        kept(text.substr(at + 1, end - at - 1), keep))
      continue;
    out.append(text.substr(copied, start - copied));
    out += "redacted";
    copied = at;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace mailroom::dmarc_report
