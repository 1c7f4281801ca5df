#include "server/imap/folders.hpp"
#include "server/imap/text.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <ctime>

#include "mailroom/maildir/modified_utf7.hpp"

namespace mailroom::server::imap {
namespace {

constexpr std::size_t kMaxSubscriptions = std::size_t{1024} * 1024;

// Dynamic programming over pattern x name: linear in both, whatever the
// number of wildcards (a pattern of many '*' cannot make LIST slow).
bool glob(std::string_view pattern, std::string_view name) {
  std::vector<char> row(name.size() + 1, 0), next(name.size() + 1, 0);
  row[0] = 1;
  for (char p : pattern) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t j = 0; j <= name.size(); ++j) {
      if (p == '*' || p == '%') {
        bool carry =
            row[j] != 0 || (j > 0 && next[j - 1] != 0 && (p == '*' || name[j - 1] != kSeparator));
        next[j] = carry ? 1 : 0;
      } else if (j > 0 && row[j - 1] != 0 && name[j - 1] == p) {
        next[j] = 1;
      }
    }
    row.swap(next);
  }
  return row[name.size()] != 0;
}

// Deletes what dirfd holds, down to `depth` directory levels, no symlink
// followed (unlinkat removes a link itself).
void empty_directory(int dirfd, int depth) {
  int copy = ::dup(dirfd);
  if (copy < 0) return;
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir))
    if (std::string_view(e->d_name) != "." && std::string_view(e->d_name) != "..")
      names.emplace_back(e->d_name);
  ::closedir(dir);
  for (const auto& name : names) {
    if (::unlinkat(dirfd, name.c_str(), 0) == 0) continue;
    if (depth == 0) continue;
    int sub = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) continue;
    empty_directory(sub, depth - 1);
    ::close(sub);
    ::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR);
  }
}

}  // namespace

Result<maildir::FolderName> folder_from_wire(std::string_view wire) {
  if (iequals(wire, "INBOX")) return maildir::FolderName{};
  if (wire.find('/') != std::string_view::npos)
    return fail(ErrorKind::parse, "mailbox names use '.' as the hierarchy separator, not '/'");
  auto utf8 = maildir::modified_utf7_to_utf8(wire);
  if (!utf8) return fail(ErrorKind::parse, "mailbox name is not valid modified UTF-7");
  auto name = maildir::parse_folder_name(*utf8);
  if (!name) return fail(ErrorKind::parse, "invalid mailbox name: " + name.error().message);
  if (name->is_inbox() && !iequals(wire, "INBOX"))  // "INBOX.INBOX" and the like
    return fail(ErrorKind::parse, "invalid mailbox name");
  return name;
}

std::string wire_name(const maildir::FolderName& folder) {
  return folder.is_inbox() ? "INBOX" : folder.mutf7_joined(kSeparator);
}

Result<std::vector<maildir::FolderName>> list_folders(int rootfd) {
  int copy = ::dup(rootfd);
  if (copy < 0) return fail_errno(ErrorKind::temporary, "dup", errno);
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return fail_errno(ErrorKind::temporary, "opendir", errno);
  }
  ::rewinddir(dir);
  std::vector<maildir::FolderName> out{maildir::FolderName{}};
  while (dirent* e = ::readdir(dir)) {
    std::string_view entry = e->d_name;
    if (entry.size() < 2 || entry[0] != '.' || entry == "..") continue;
    struct stat st {};
    if (::fstatat(rootfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
      continue;
    auto name = folder_from_wire(entry.substr(1));
    // Only a directory whose name this module would have made: one
    // spelling per folder, nothing that parses differently than it reads.
    if (!name || name->is_inbox() || name->directory() != entry) continue;
    out.push_back(std::move(*name));
  }
  ::closedir(dir);
  std::sort(out.begin() + 1, out.end(),
            [](const auto& a, const auto& b) { return a.components < b.components; });
  return out;
}

Result<UniqueFd> open_folder_dir(int rootfd, const maildir::FolderName& folder) {
  const std::string directory = folder.is_inbox() ? "." : folder.directory();
  int fd = ::openat(rootfd, directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail_errno(
        errno == ENOENT || errno == ENOTDIR ? ErrorKind::no_user : ErrorKind::temporary,
        "open mailbox " + wire_name(folder), errno);
  return UniqueFd(fd);
}

bool pattern_matches(std::string_view pattern, std::string_view name) {
  // RFC 3501 section 5.1: INBOX is case-insensitive, also as the first
  // level of a pattern ("inbox*").
  if (name != "INBOX") return glob(pattern, name);
  std::string folded(pattern);
  constexpr std::string_view kInbox = "INBOX";
  for (std::size_t i = 0; i < folded.size() && i < kInbox.size(); ++i) {
    char up = static_cast<char>(std::toupper(static_cast<unsigned char>(folded[i])));
    if (up != kInbox[i]) break;
    folded[i] = up;
  }
  return glob(folded, name);
}

std::vector<std::string> read_subscriptions(int rootfd) {
  std::vector<std::string> out;
  UniqueFd fd(::openat(rootfd, "subscriptions", O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return out;
  std::string text;
  char buffer[8192];
  ssize_t n = 0;
  while ((n = ::read(fd.get(), buffer, sizeof buffer)) > 0 && text.size() < kMaxSubscriptions)
    text.append(buffer, static_cast<std::size_t>(n));
  bool version2 = text.starts_with("V\t2\n\n");
  if (version2) text.erase(0, 5);
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    // Version 2 joins levels with TAB (subscriptions.hpp).
    if (version2) std::replace(line.begin(), line.end(), '\t', kSeparator);
    out.push_back(std::move(line));
  }
  return out;
}

Status remove_folder(int rootfd, const maildir::FolderName& folder) {
  const std::string directory = folder.directory();
  // ".." + a name: never a valid folder, so never listed while it goes.
  const std::string doomed =
      "..mailroom-deleted." + std::to_string(::getpid()) + "." + std::to_string(std::time(nullptr));
  if (::renameat(rootfd, directory.c_str(), rootfd, doomed.c_str()) != 0)
    return fail_errno(errno == ENOENT ? ErrorKind::no_user : ErrorKind::temporary,
                      "delete mailbox " + wire_name(folder), errno);
  int fd = ::openat(rootfd, doomed.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    empty_directory(fd, 2);
    ::close(fd);
  }
  if (::unlinkat(rootfd, doomed.c_str(), AT_REMOVEDIR) != 0)
    return fail_errno(ErrorKind::temporary, "remove " + doomed, errno);
  return ok();
}

}  // namespace mailroom::server::imap
