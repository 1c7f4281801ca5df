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

// Unicode format characters (general category Cf, Unicode 15) and the line
// and paragraph separators U+2028/U+2029: invisible, and the bidirectional
// controls among them (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C)
// reorder what a client shows, so "Invoices\u202Egpj.exe" or a zero-width
// space makes one folder look like another (Unicode TR #36 section 2;
// CVE-2021-42574, "Trojan Source"). This includes U+200C/U+200D (ZWNJ, ZWJ):
// a Persian name needing ZWNJ or an emoji ZWJ sequence falls back to INBOX,
// which loses nothing, where a disguised name could hide mail.
bool is_format_character(char32_t cp) {
  struct Range {
    char32_t first, last;
  };
  static constexpr Range kFormat[] = {
      {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
      {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},
      {0x200B, 0x200F},   {0x2028, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
      {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
      {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
      {0xE0020, 0xE007F},
  };
  for (const auto& range : kFormat) {
    if (cp >= range.first && cp <= range.last) return true;
  }
  return false;
}

// Characters no folder name may hold: C0 and C1 controls and DEL would reach
// file names and IMAP responses; '*' and '%' are IMAP LIST wildcards
// (RFC 3501 section 6.3.8), so a folder named with them cannot be listed
// reliably; format characters disguise a name (above).
bool is_refused(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == '*' || cp == '%' ||
         is_format_character(cp);
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
    if (is_refused(cp)) return refuse(name, "control or format character, or IMAP wildcard");
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
