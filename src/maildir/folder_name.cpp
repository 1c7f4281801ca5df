// Folder names -> Maildir++ directories. Maildir++ keeps every folder as one
// directory ".A.B" in the Maildir root, so '.' is the on-disk hierarchy
// separator and no component may contain it; '/' is what IMAP clients and
// Sieve scripts usually write, so both separate levels here.
#include "mailroom/maildir/folder_name.hpp"

#include <strings.h>

#include "maildir/utf8.hpp"
#include "mailroom/maildir/modified_utf7.hpp"

namespace mailroom::maildir {
namespace {

bool is_separator(char c) { return c == '/' || c == '.'; }

bool is_inbox(std::string_view s) {
  return s.size() == 5 && ::strncasecmp(s.data(), "INBOX", 5) == 0;
}

// Characters no folder name may hold: C0 and C1 controls and DEL would reach
// file names and IMAP responses; '*' and '%' are IMAP LIST wildcards
// (RFC 3501 section 6.3.8), so a folder named with them cannot be listed
// reliably.
bool is_refused(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == '*' || cp == '%';
}

tl::unexpected<Error> refuse(std::string_view name, const char* why) {
  return fail(ErrorKind::parse, "refused folder name \"" + std::string(name) + "\": " + why);
}

std::vector<std::string_view> split(std::string_view name) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || is_separator(name[i])) {
      parts.push_back(name.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

std::string FolderName::display() const {
  if (components.empty()) return "INBOX";
  std::string out;
  for (const auto& c : components) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

std::string FolderName::mutf7_joined(char separator) const {
  std::string out;
  for (const auto& c : components) {
    if (!out.empty()) out += separator;
    // Components were validated as UTF-8 when parsed; encoding cannot fail.
    out += utf8_to_modified_utf7(c).value_or(std::string());
  }
  return out;
}

std::string FolderName::directory() const {
  if (components.empty()) return {};
  return "." + mutf7_joined('.');
}

Result<FolderName> parse_folder_name(std::string_view name, const FolderNameLimits& limits) {
  if (name.empty()) return refuse(name, "empty name");
  if (name.size() > limits.max_name_bytes) return refuse(name, "name too long");
  std::vector<char32_t> cps;
  if (!detail::decode_utf8(name, cps)) return refuse(name, "invalid UTF-8");
  for (const char32_t cp : cps) {
    if (is_refused(cp)) return refuse(name, "control character or IMAP wildcard");
  }
  std::vector<std::string_view> parts = split(name);
  for (const auto part : parts) {
    // Also catches a leading or trailing separator, "a..b" and "a/./b".
    if (part.empty()) return refuse(name, "empty hierarchy level");
  }
  FolderName out;
  if (is_inbox(parts.front())) {
    if (parts.size() == 1) return out;  // INBOX itself
    parts.erase(parts.begin());         // "INBOX.Junk": Courier's spelling of "Junk"
    if (is_inbox(parts.front())) return refuse(name, "INBOX below INBOX");
  }
  // Dovecot and Courier expand a leading '~' to a home directory.
  if (parts.front().front() == '~') return refuse(name, "leading '~'");
  if (parts.size() > limits.max_components) return refuse(name, "too many hierarchy levels");
  for (const auto part : parts) out.components.emplace_back(part);
  if (out.directory().size() > limits.max_directory_bytes) {
    return refuse(name, "encoded directory name too long");
  }
  return out;
}

Result<std::string> folder_directory_name(std::string_view utf8_name) {
  auto parsed = parse_folder_name(utf8_name);
  if (!parsed) return tl::unexpected(parsed.error());
  return parsed->directory();
}

}  // namespace mailroom::maildir
