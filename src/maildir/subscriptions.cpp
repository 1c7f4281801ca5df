#include "maildir/subscriptions.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "maildir/dotlock.hpp"
#include "maildir/file_io.hpp"
#include "maildir/sys_error.hpp"
#include "maildir/unique_name.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::maildir::detail {
namespace {

constexpr std::string_view kVersion2Header = "V\t2\n\n";

// What the file will hold once line is added: the old bytes untouched, a
// newline if the last line lacked one, then the new line.
std::string appended(std::string content, std::string_view line) {
  if (!content.empty() && content.back() != '\n') content += '\n';
  content += line;
  content += '\n';
  return content;
}

Result<std::string> read_bounded(int rootfd, const char* name, const std::string& path,
                                 const SubscriptionLimits& limits, bool* exists) {
  int err = 0;
  bool truncated = false;
  auto content = read_file_at(rootfd, name, limits.max_file_bytes, &err, &truncated);
  *exists = content.has_value();
  if (err != 0) return io_error_at("cannot read", path, rootfd, name, err);
  if (truncated) {
    return fail(ErrorKind::limit, path + " is larger than " +
                                      std::to_string(limits.max_file_bytes) +
                                      " bytes; not adding a subscription to it");
  }
  return content.value_or(std::string());
}

}  // namespace

std::string dovecot_subscription_line(const FolderName& name) { return name.mutf7_joined('\t'); }

bool has_line(std::string_view content, std::string_view line) {
  std::size_t start = 0;
  while (start < content.size()) {
    auto end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    if (content.substr(start, end - start) == line) return true;
    start = end + 1;
  }
  return false;
}

namespace {

// The file without the lines equal to `line`: UNSUBSCRIBE of IMAP.
std::string without_line(std::string_view content, std::string_view line) {
  std::string out;
  std::size_t start = 0;
  while (start < content.size()) {
    auto end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    if (content.substr(start, end - start) != line) {
      out.append(content.substr(start, end - start));
      out += '\n';
    }
    start = end + 1;
  }
  return out;
}

// Adds (subscribe) or removes the name's line, under Dovecot's dotlock.
Status change_dovecot(int rootfd, const std::string& root_path, const FolderName& name,
                      const Options& options, const SubscriptionLimits& limits, bool subscribe) {
  const std::string path = root_path + "/subscriptions";
  DotlockSettings lock_settings;
  lock_settings.timeout_ms = options.lock_timeout_ms;
  lock_settings.mode = options.file_mode;
  auto lock = Dotlock::acquire(rootfd, "subscriptions", root_path, lock_settings);
  if (!lock) return tl::unexpected(lock.error());
  // Read only while holding the lock: another writer may be replacing it.
  bool exists = false;
  auto old = read_bounded(rootfd, "subscriptions", path, limits, &exists);
  if (!old) return tl::unexpected(old.error());
  // A file without the header is version 1 (Dovecot before 2.2): names there
  // use the storage separator, which is '.' for Maildir++.
  const bool version2 = old->empty() || old->starts_with(kVersion2Header);
  const std::string line = version2 ? dovecot_subscription_line(name) : name.mutf7_joined('.');
  const std::string_view body = version2 && !old->empty()
                                    ? std::string_view(*old).substr(kVersion2Header.size())
                                    : std::string_view(*old);
  if (has_line(body, line) == subscribe) return ok();  // the lock is dropped unchanged
  const std::string content =
      subscribe
          ? appended(old->empty() ? std::string(kVersion2Header) : std::move(*old), line)
          : (version2 ? std::string(kVersion2Header) : std::string()) + without_line(body, line);
  const std::string_view pieces[] = {content};
  if (const int err = write_all(lock->fd(), pieces); err != 0) {
    return io_error("cannot write", path + ".lock", err);
  }
  return lock->replace(options.fsync);
}

}  // namespace

Status subscribe_dovecot(int rootfd, const std::string& root_path, const FolderName& name,
                         const Options& options, const SubscriptionLimits& limits) {
  return change_dovecot(rootfd, root_path, name, options, limits, true);
}

Status unsubscribe_dovecot(int rootfd, const std::string& root_path, const FolderName& name,
                           const Options& options, const SubscriptionLimits& limits) {
  return change_dovecot(rootfd, root_path, name, options, limits, false);
}

Status subscribe_courier(int rootfd, const std::string& root_path, const FolderName& name,
                         const Options& options, const std::string& host,
                         const SubscriptionLimits& limits) {
  const std::string path = root_path + "/courierimapsubscribed";
  bool exists = false;
  auto old = read_bounded(rootfd, "courierimapsubscribed", path, limits, &exists);
  if (!old) return tl::unexpected(old.error());
  if (!exists) return ok();  // not a Courier Maildir: nothing to keep in step
  const std::string line = "INBOX." + name.mutf7_joined('.');
  if (has_line(*old, line)) return ok();
  const std::string content = appended(std::move(*old), line);
  const std::string temp = "courierimapsubscribed.tmp." + unique_base(host);
  UniqueFd fd(::openat(rootfd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       options.file_mode));
  if (!fd) return io_error("cannot create", root_path + "/" + temp, errno);
  const std::string_view pieces[] = {content};
  int err = write_all(fd.get(), pieces);
  if (err == 0 && options.fsync) err = fsync_fd(fd.get());
  if (err == 0 && ::renameat(rootfd, temp.c_str(), rootfd, "courierimapsubscribed") != 0)
    err = errno;
  if (err != 0) {
    (void)::unlinkat(rootfd, temp.c_str(), 0);
    return io_error("cannot replace", path, err);
  }
  if (options.fsync) {
    if (const int e = fsync_fd(rootfd); e != 0) return io_error("cannot fsync", root_path, e);
  }
  return ok();
}

}  // namespace mailroom::maildir::detail
