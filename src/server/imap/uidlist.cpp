#include "server/imap/uidlist.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <set>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::server::imap {
namespace {

constexpr std::string_view kMagic = "mailroom-uidlist 1 ";
constexpr const char* kFile = "mailroom-uidlist";
constexpr const char* kLock = "mailroom-uidlist.lock";
constexpr std::size_t kMaxFile = 64ULL << 20;

std::optional<std::uint32_t> number(std::string_view text) {
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

unsigned long long leading_seconds(std::string_view name) {
  unsigned long long value = 0;
  std::from_chars(name.data(), name.data() + name.size(), value);
  return value;
}

unsigned long long microseconds(std::string_view name) {
  auto m = name.find(".M");
  if (m == std::string_view::npos) return 0;
  unsigned long long value = 0;
  std::from_chars(name.data() + m + 2, name.data() + name.size(), value);
  return value;
}

Result<std::string> read_all(int fd) {
  std::string out;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(ErrorKind::temporary, "read mailroom-uidlist", errno);
    if (n == 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > kMaxFile) return fail(ErrorKind::limit, "mailroom-uidlist too large");
  }
}

Status write_list(int dirfd, const UidList& list) {
  std::string tmp = std::string(kFile) + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(
      ::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return fail_errno(ErrorKind::temporary, "create " + tmp, errno);
  std::string text = format_uidlist(list);
  std::string_view rest(text);
  while (!rest.empty()) {
    ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::unlinkat(dirfd, tmp.c_str(), 0);
      return fail_errno(ErrorKind::temporary, "write " + tmp, err);
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  // The list must not point at UIDs a crash could hand out again: the data
  // is on disk before the name is (Dovecot's maildir-save.c order).
  if (::fsync(fd.get()) != 0 || ::renameat(dirfd, tmp.c_str(), dirfd, kFile) != 0) {
    int err = errno;
    ::unlinkat(dirfd, tmp.c_str(), 0);
    return fail_errno(ErrorKind::temporary, "replace mailroom-uidlist", err);
  }
  ::fsync(dirfd);
  return ok();
}

Status scan_one(int dirfd, const char* sub, bool in_cur, std::vector<MaildirFile>& out) {
  int fd = ::openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail_errno(ErrorKind::temporary, std::string("open ") + sub, errno);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return fail_errno(ErrorKind::temporary, std::string("opendir ") + sub, errno);
  }
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    if (entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN) continue;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        continue;
    }
    out.push_back(MaildirFile{in_cur, entry->d_name});
  }
  ::closedir(dir);
  return ok();
}

// The UIDVALIDITY a damaged list still names, so the new one differs.
std::uint32_t old_validity(std::string_view text) {
  if (!text.starts_with(kMagic)) return 0;
  text.remove_prefix(kMagic.size());
  return number(text.substr(0, text.find(' '))).value_or(0);
}

}  // namespace

std::string_view MaildirFile::unique() const {
  return std::string_view(name).substr(0, name.find(':'));
}

std::string_view MaildirFile::flags() const {
  auto info = name.find(":2,");
  return info == std::string::npos ? std::string_view() : std::string_view(name).substr(info + 3);
}

Result<UidList> parse_uidlist(std::string_view text) {
  auto bad = [] { return fail(ErrorKind::parse, "mailroom-uidlist is damaged"); };
  if (!text.starts_with(kMagic)) return bad();
  text.remove_prefix(kMagic.size());
  UidList list;
  bool header = true;
  while (!text.empty()) {
    auto lf = text.find('\n');
    if (lf == std::string_view::npos) return bad();  // a torn last line
    std::string_view line = text.substr(0, lf);
    text.remove_prefix(lf + 1);
    auto space = line.find(' ');
    if (space == std::string_view::npos) return bad();
    auto first = number(line.substr(0, space));
    std::string_view second = line.substr(space + 1);
    if (!first) return bad();
    if (header) {
      auto next = number(second);
      if (!next || *first == 0 || *next == 0) return bad();
      list.validity = *first;
      list.next = *next;
      header = false;
      continue;
    }
    std::uint32_t last = list.entries.empty() ? 0 : list.entries.back().uid;
    if (*first <= last || *first >= list.next || second.empty() ||
        second.find_first_of(" :/") != std::string_view::npos)
      return bad();
    list.entries.push_back(UidEntry{*first, std::string(second)});
  }
  if (header) return bad();
  return list;
}

std::string format_uidlist(const UidList& list) {
  std::string out =
      std::string(kMagic) + std::to_string(list.validity) + " " + std::to_string(list.next) + "\n";
  for (const auto& entry : list.entries)
    out += std::to_string(entry.uid) + " " + entry.unique + "\n";
  return out;
}

bool delivered_before(std::string_view a, std::string_view b) {
  auto sa = leading_seconds(a);
  auto sb = leading_seconds(b);
  if (sa != sb) return sa < sb;
  // Within one second: the microseconds of "<secs>.M<usec>P<pid>..." (the
  // unique names deliver and Dovecot write), compared as numbers; "M99"
  // came before "M100" though it sorts after it as text.
  auto ua = microseconds(a);
  auto ub = microseconds(b);
  return ua != ub ? ua < ub : a < b;
}

bool merge_uidlist(UidList& list, std::vector<std::string> present) {
  std::sort(present.begin(), present.end());
  present.erase(std::unique(present.begin(), present.end()), present.end());
  std::size_t before = list.entries.size();
  std::erase_if(list.entries, [&](const UidEntry& e) {
    return !std::binary_search(present.begin(), present.end(), e.unique);
  });
  bool changed = list.entries.size() != before;
  // Which present names have a UID: a flag per name, found by binary
  // search (a first SELECT has 5,000 names and no UIDs; a set of them
  // was most of its time).
  std::vector<bool> known(present.size(), false);
  for (const auto& e : list.entries)
    known[static_cast<std::size_t>(std::lower_bound(present.begin(), present.end(), e.unique) -
                                   present.begin())] = true;
  // Delivery order, its keys read once per name rather than per comparison.
  struct Fresh {
    unsigned long long seconds, micro;
    std::string* name;
  };
  std::vector<Fresh> fresh;
  for (std::size_t i = 0; i < present.size(); ++i)
    if (!known[i])
      fresh.push_back({leading_seconds(present[i]), microseconds(present[i]), &present[i]});
  std::sort(fresh.begin(), fresh.end(), [](const Fresh& a, const Fresh& b) {
    if (a.seconds != b.seconds) return a.seconds < b.seconds;
    return a.micro != b.micro ? a.micro < b.micro : *a.name < *b.name;
  });
  for (auto& f : fresh) list.entries.push_back(UidEntry{list.next++, std::move(*f.name)});
  return changed || !fresh.empty();
}

Result<std::vector<MaildirFile>> scan_maildir(int dirfd) {
  std::vector<MaildirFile> files;
  // new/ before cur/: a message moved from new/ to cur/ meanwhile is then
  // seen at least once.
  if (auto s = scan_one(dirfd, "new", false, files); !s) return tl::unexpected(s.error());
  if (auto s = scan_one(dirfd, "cur", true, files); !s) return tl::unexpected(s.error());
  return files;
}

Result<Synced> sync_uidlist(int dirfd, std::uint32_t fresh_validity) {
  UniqueFd lock(::openat(dirfd, kLock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!lock) return fail_errno(ErrorKind::temporary, "open mailroom-uidlist.lock", errno);
  while (::flock(lock.get(), LOCK_EX) != 0)
    if (errno != EINTR) return fail_errno(ErrorKind::temporary, "lock mailroom-uidlist", errno);
  UidList list;
  bool valid = false;
  UniqueFd file(::openat(dirfd, kFile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (file) {
    auto text = read_all(file.get());
    if (!text) return tl::unexpected(text.error());
    auto parsed = parse_uidlist(*text);
    if (parsed) {
      list = std::move(*parsed);
      valid = true;
    } else {
      // A damaged list: new UIDs under a new UIDVALIDITY (RFC 3501 2.3.1.1
      // allows exactly this), never reused ones.
      fresh_validity = std::max(fresh_validity, old_validity(*text) + 1);
    }
  }
  if (!valid) list = UidList{fresh_validity, 1, {}};
  Synced out;
  auto files = scan_maildir(dirfd);
  if (!files) return tl::unexpected(files.error());
  std::vector<std::string_view> seen;  // sorted: binary search
  if (!list.entries.empty()) {
    seen.reserve(files->size());
    for (const auto& f : *files) seen.push_back(f.unique());
    std::sort(seen.begin(), seen.end());
  }
  bool missing = std::any_of(list.entries.begin(), list.entries.end(), [&](const UidEntry& e) {
    return !std::binary_search(seen.begin(), seen.end(), std::string_view(e.unique));
  });
  if (missing) {  // a rename may have raced readdir: look once more
    auto again = scan_maildir(dirfd);
    if (!again) return tl::unexpected(again.error());
    std::set<std::string> uniques;
    for (const auto& f : *again) uniques.emplace(f.unique());
    for (auto& f : *files)
      if (uniques.count(std::string(f.unique())) == 0) again->push_back(std::move(f));
    files = std::move(again);
  }
  std::vector<std::string> present;
  present.reserve(files->size());
  for (const auto& f : *files) present.emplace_back(f.unique());
  if (merge_uidlist(list, std::move(present)) || !valid) {
    if (auto written = write_list(dirfd, list); !written) return tl::unexpected(written.error());
  }
  out.list = std::move(list);
  out.files = std::move(*files);
  return out;
}

}  // namespace mailroom::server::imap
