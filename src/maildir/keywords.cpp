// Dovecot's Maildir keyword file, dovecot-keywords (maildir-keywords.c):
// "<index> <name>" lines, index 0..25 standing for the letters a..z in the
// info part of a file name ("...:2,Sa" is \Seen and keyword 0). Dovecot
// reads it to know what those letters mean, so a keyword a delivery stores
// must be in it. mailroom adds the missing ones the way Dovecot writes the
// file: under its dotlock (dovecot-keywords.lock, created O_EXCL, the new
// content written into it and renamed over the file), keeping every line
// that is there and giving each new name the lowest free index. The
// decision and its limits are in mailroom-deliver(8), "Keywords".
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>

#include "maildir/dotlock.hpp"
#include "maildir/file_io.hpp"
#include "maildir/folder_dirs.hpp"
#include "mailroom/maildir/maildir.hpp"

namespace mailroom::maildir {
namespace {

constexpr std::size_t kMaxKeywordFile = std::size_t{64} * 1024;
constexpr int kLetters = 26;

// A name Dovecot can keep on one line of its file and IMAP calls an atom
// (RFC 3501 §9): no space, no control character, no atom-special.
bool storable(std::string_view keyword) {
  if (keyword.empty() || keyword.size() > 128 || keyword[0] == '\\') return false;
  return std::all_of(keyword.begin(), keyword.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
  });
}

// Dovecot re-reads dovecot-keywords only when its mtime, in whole seconds,
// has grown since it last read or wrote it (maildir-keywords.c; its own
// writer moves the mtime to old + 1 when the clock has not). A name added
// within the same second as Dovecot's last write would stay unseen, and
// Dovecot would then write the letter back as "unknown-N", losing the name.
// So the new file gets an mtime past the old file's, the way Dovecot does.
void outgrow_mtime(int new_fd, const struct stat& old) {
  struct stat now {};
  if (::fstat(new_fd, &now) != 0 || now.st_mtime > old.st_mtime) return;
  const struct timespec times[2] = {{0, UTIME_OMIT}, {old.st_mtime + 1, 0}};
  (void)::futimens(new_fd, times);  // best effort: Dovecot copes, as with its own failed utime()
}

}  // namespace

Status Folder::add_keywords(std::span<const std::string_view> keywords,
                            const Options& options) const {
  std::vector<std::string_view> wanted;
  for (auto k : keywords)
    if (storable(k) && std::find(wanted.begin(), wanted.end(), k) == wanted.end())
      wanted.push_back(k);
  if (wanted.empty()) return ok();
  detail::DotlockSettings settings;
  settings.timeout_ms = options.lock_timeout_ms;
  settings.mode = options.file_mode;
  auto lock = detail::Dotlock::acquire(dirs_->dir.get(), "dovecot-keywords", dirs_->path, settings);
  if (!lock) return tl::unexpected(lock.error());
  // Read under the lock: Dovecot may have just replaced the file.
  int err = 0;
  struct stat old {};
  const bool had_file =
      ::fstatat(dirs_->dir.get(), "dovecot-keywords", &old, AT_SYMLINK_NOFOLLOW) == 0;
  auto content = detail::read_file_at(dirs_->dir.get(), "dovecot-keywords", kMaxKeywordFile, &err);
  std::string text = content.value_or("");
  if (!text.empty() && text.back() != '\n') text.push_back('\n');
  std::array<bool, kLetters> used{};
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    std::string_view line = std::string_view(text).substr(start, end - start);
    start = end + 1;
    auto sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) continue;
    int index = 0;
    for (char c : line.substr(0, sp))
      index = c >= '0' && c <= '9' && index < 100 ? index * 10 + (c - '0') : 100;
    if (index < kLetters) used[static_cast<std::size_t>(index)] = true;
    auto known = std::find(wanted.begin(), wanted.end(), line.substr(sp + 1));
    if (known != wanted.end()) wanted.erase(known);
  }
  bool added = false;
  for (auto keyword : wanted) {
    auto free = std::find(used.begin(), used.end(), false);
    if (free == used.end()) break;  // 26 letters taken: Dovecot keeps the rest in its index only
    *free = true;
    text.append(std::to_string(free - used.begin())).append(" ").append(keyword).push_back('\n');
    added = true;
  }
  if (!added) return ok();  // the lock goes, the file stays as it was
  const std::string_view pieces[] = {text};
  if (const int werr = detail::write_all(lock->fd(), pieces); werr != 0)
    return fail_errno(ErrorKind::temporary,
                      "cannot write " + dirs_->path + "/dovecot-keywords.lock", werr);
  if (had_file) outgrow_mtime(lock->fd(), old);
  return lock->replace(options.fsync);
}

}  // namespace mailroom::maildir
