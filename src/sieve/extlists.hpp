// RFC 6134 extlists: lists kept outside the script, one file per list in
// the directory RunOptions::lists_dir (sieve.lists_dir).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::sieve {

// The file name of a list: "tag:NAME" (RFC 6134 §2.3 names lists by URI;
// the tag: scheme, RFC 4151, is the one we map) and ":addrbook:default"
// (§2.6) give NAME and "default". nullopt when the name is not of those
// forms or NAME could leave the directory ("/", a leading ".").
std::optional<std::string> list_file_name(std::string_view name);

// The entries of a list file: one a line, surrounding blanks trimmed,
// blank lines and lines starting with '#' skipped. nullopt when there is
// no such list (or the file cannot be read, or is over 1 MiB).
std::optional<std::vector<std::string>> read_list(const std::string& directory,
                                                  std::string_view name);

}  // namespace mailroom::sieve
