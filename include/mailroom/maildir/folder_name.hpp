// Folder names as users and Sieve scripts give them (UTF-8, "Lists/Work" or
// "Lists.Work") mapped to Maildir++ directory names (".Lists.Work", non-ASCII
// in IMAP modified UTF-7). A name that could leave the Maildir or confuse an
// IMAP server is refused, never repaired: the caller falls back to INBOX.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::maildir {

struct FolderNameLimits {
  std::size_t max_name_bytes = 255;       // UTF-8 input, as given
  std::size_t max_components = 16;        // hierarchy depth
  std::size_t max_directory_bytes = 255;  // ".A.B" on disk: one file name (NAME_MAX)
};

// A parsed folder name. components is empty for INBOX.
struct FolderName {
  std::vector<std::string> components;  // UTF-8, without separators
  bool is_inbox() const { return components.empty(); }
  std::string display() const;                     // "INBOX" or "Lists/Work" (UTF-8, '/' separated)
  std::string directory() const;                   // "" or ".Lists.Work" (modified UTF-7)
  std::string mutf7_joined(char separator) const;  // "Lists<sep>Work" in modified UTF-7
};

// Both '/' and '.' separate hierarchy levels. "INBOX" (any case) alone is the
// INBOX; as a first component ("INBOX.Junk", Courier style) it is dropped.
// Refused (ErrorKind::parse): empty names or components ("a..b", "a/",
// leading separator), control characters (C0, DEL, C1), Unicode format
// characters (category Cf: bidirectional controls U+202A-U+202E and
// U+2066-U+2069, zero-width U+200B-U+200F, U+FEFF, U+061C, ...) and the line
// and paragraph separators U+2028/U+2029, invalid UTF-8,
// IMAP wildcards '*' and '%', a leading '~', "INBOX" below INBOX, and names
// over the limits.
Result<FolderName> parse_folder_name(std::string_view utf8_name,
                                     const FolderNameLimits& limits = {});

// "" for INBOX, else ".Lists.Work".
Result<std::string> folder_directory_name(std::string_view utf8_name);

}  // namespace mailroom::maildir
