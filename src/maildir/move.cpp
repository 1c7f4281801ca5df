#include "mailroom/maildir/move.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "maildir/file_io.hpp"
#include "maildir/folder_dirs.hpp"
#include "mailroom/maildir/delivery.hpp"

namespace mailroom::maildir {
namespace {

int subdir_fd(const Folder& folder, bool cur) {
  const auto& dirs = *folder.dirs();
  return cur ? dirs.cur.get() : dirs.new_.get();
}

Status list_into(const Folder& folder, bool cur, std::vector<StoredMessage>& out) {
  int fd = ::dup(subdir_fd(folder, cur));
  if (fd < 0) return fail_errno(ErrorKind::temporary, "cannot read " + folder.path(), errno);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return fail_errno(ErrorKind::temporary, "cannot read " + folder.path(), errno);
  }
  ::rewinddir(dir);  // the duplicate shares the offset of earlier reads
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    struct stat st {};
    if (::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
      continue;
    out.push_back({cur, entry->d_name});
  }
  ::closedir(dir);
  return ok();
}

bool same_file(int dir_a, const std::string& a, int dir_b, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::fstatat(dir_a, a.c_str(), &sa, AT_SYMLINK_NOFOLLOW) == 0 &&
         ::fstatat(dir_b, b.c_str(), &sb, AT_SYMLINK_NOFOLLOW) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

}  // namespace

std::string_view StoredMessage::unique() const {
  return std::string_view(name).substr(0, name.find(':'));
}

std::string_view StoredMessage::flags() const {
  auto info = name.find(":2,");
  return info == std::string::npos ? std::string_view() : std::string_view(name).substr(info + 3);
}

Result<std::vector<StoredMessage>> list_messages(const Folder& folder) {
  std::vector<StoredMessage> out;
  for (bool cur : {false, true})
    if (auto listed = list_into(folder, cur, out); !listed) return tl::unexpected(listed.error());
  std::sort(out.begin(), out.end(),
            [](const StoredMessage& a, const StoredMessage& b) { return a.name < b.name; });
  return out;
}

Result<std::string> read_message(const Folder& folder, const StoredMessage& message,
                                 std::size_t max_bytes) {
  int err = 0;
  bool truncated = false;
  auto bytes = detail::read_file_at(subdir_fd(folder, message.in_cur), message.name.c_str(),
                                    max_bytes, &err, &truncated);
  if (!bytes)
    return fail_errno(ErrorKind::temporary, "cannot read " + message.name, err != 0 ? err : ENOENT);
  if (truncated) return fail(ErrorKind::parse, message.name + " is larger than the limit");
  return std::move(*bytes);
}

Result<StoredMessage> link_message(const Folder& from, const StoredMessage& message,
                                   const Folder& to, std::string_view flags) {
  auto normal = normalise_flags(flags);
  if (!normal) return tl::unexpected(normal.error());
  StoredMessage target{message.in_cur || !normal->empty(), std::string(message.unique())};
  if (target.in_cur) target.name += ":2," + *normal;
  const int source_dir = subdir_fd(from, message.in_cur);
  const int target_dir = subdir_fd(to, target.in_cur);
  if (::linkat(source_dir, message.name.c_str(), target_dir, target.name.c_str(), 0) != 0) {
    const int err = errno;
    if (err != EEXIST || !same_file(source_dir, message.name, target_dir, target.name))
      return fail_errno(ErrorKind::temporary, "cannot link " + message.name + " into " + to.path(),
                        err);
  }
  if (int err = detail::fsync_fd(target_dir); err != 0)
    return fail_errno(ErrorKind::temporary, "cannot fsync " + to.path(), err);
  return target;
}

Status unlink_message(const Folder& folder, const StoredMessage& message) {
  const int dir = subdir_fd(folder, message.in_cur);
  if (::unlinkat(dir, message.name.c_str(), 0) != 0 && errno != ENOENT)
    return fail_errno(ErrorKind::temporary, "cannot remove " + message.name, errno);
  if (int err = detail::fsync_fd(dir); err != 0)
    return fail_errno(ErrorKind::temporary, "cannot fsync " + folder.path(), err);
  return ok();
}

}  // namespace mailroom::maildir
