#include "mailroom/maildir/maildir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "maildir/file_io.hpp"
#include "maildir/folder_dirs.hpp"
#include "maildir/guard.hpp"
#include "maildir/held_dirs.hpp"
#include "maildir/quota_ops.hpp"
#include "maildir/subscriptions.hpp"
#include "maildir/sys_error.hpp"
#include "maildir/unique_name.hpp"

namespace mailroom::maildir {
namespace {

using detail::FolderDirs;
using detail::io_error;

// mkdir -p for the configured root (a trusted path from the configuration).
Status make_parents(const std::string& root, mode_t mode) {
  for (std::size_t pos = 1; pos <= root.size(); ++pos) {
    if (pos != root.size() && root[pos] != '/') continue;
    const std::string prefix = root.substr(0, pos);
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) {
      return io_error("cannot create", prefix, errno);
    }
  }
  return ok();
}

// Opens tmp/ new/ cur/ below dirs.dir, creating them when allowed. fsyncs
// the parent once if any was created, so the new entries survive a crash.
Status open_subdirs(FolderDirs& dirs, const Options& options) {
  bool any_created = false;
  const std::pair<const char*, UniqueFd*> subdirs[] = {
      {"tmp", &dirs.tmp}, {"new", &dirs.new_}, {"cur", &dirs.cur}};
  for (const auto& [sub, target] : subdirs) {
    bool created = false;
    const int fd = detail::open_or_create_directory_at(dirs.dir.get(), sub, options.dir_mode,
                                                       options.create, &created);
    if (fd < 0 && errno == ENOTDIR)
      return detail::not_a_directory("cannot open", dirs.path + "/" + sub, dirs.dir.get(), sub);
    if (fd < 0) return io_error("cannot open", dirs.path + "/" + sub, errno);
    target->reset(fd);
    any_created = any_created || created;
  }
  if (any_created && options.fsync) {
    if (const int err = detail::fsync_fd(dirs.dir.get()); err != 0) {
      return io_error("cannot fsync", dirs.path, err);
    }
  }
  return ok();
}

// Maildir++: an empty "maildirfolder" file marks a folder, so that a
// delivery agent pointed at the folder itself knows where the quota is. Only
// a marker: a problem with it is a warning, the folder still works. Opened
// O_NONBLOCK and checked to be a regular file: a FIFO planted there must not
// hold the delivery (issue 12 item 6).
std::string mark_folder(const FolderDirs& dirs, const Options& options) {
  UniqueFd fd(detail::open_regular_at(dirs.dir.get(), "maildirfolder", O_WRONLY | O_CREAT,
                                      options.file_mode));
  if (fd) return {};
  return detail::io_error_at("cannot create", dirs.path + "/maildirfolder", dirs.dir.get(),
                             "maildirfolder", errno)
      .value()
      .message;
}

}  // namespace

const std::string& Folder::name() const { return dirs_->name; }
const std::string& Folder::directory() const { return dirs_->directory; }
const std::string& Folder::path() const { return dirs_->path; }

int Maildir::root_fd() const { return inbox_.dirs_->dir.get(); }

bool Maildir::has_folder(std::string_view utf8_name) const {
  auto name = parse_folder_name(utf8_name);
  if (!name) return false;
  if (name->is_inbox()) return true;
  struct stat folder {};
  struct stat fresh {};
  const std::string dir = name->directory();
  return ::fstatat(root_fd(), dir.c_str(), &folder, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISDIR(folder.st_mode) &&
         ::fstatat(root_fd(), (dir + "/new").c_str(), &fresh, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISDIR(fresh.st_mode);
}

Result<Maildir> Maildir::open(const std::string& root, const Options& options) {
  return detail::guarded("opening Maildir", [&] { return open_unguarded(root, options); });
}

Result<Maildir> Maildir::open_unguarded(const std::string& root, const Options& options) {
  if (root.empty()) return fail(ErrorKind::config, "empty Maildir path");
  auto dirs = detail::held_maildir(root);
  if (dirs) return opened(root, options, std::move(dirs));
  dirs = std::make_shared<FolderDirs>();
  dirs->name = "INBOX";
  dirs->path = root;
  dirs->dir.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirs->dir && errno == ENOENT && options.create) {
    if (auto made = make_parents(root, options.dir_mode); !made)
      return tl::unexpected(made.error());
    dirs->dir.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    // The new root's own entry lives in its parent: make that durable too.
    const auto slash = root.find_last_of('/');
    const std::string parent = slash == std::string::npos ? "." : root.substr(0, slash + 1);
    UniqueFd parent_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirs->dir && parent_fd && options.fsync) {
      if (const int err = detail::fsync_fd(parent_fd.get()); err != 0) {
        return io_error("cannot fsync", parent, err);
      }
    }
  }
  if (!dirs->dir) return io_error("cannot open Maildir", root, errno);
  if (auto s = open_subdirs(*dirs, options); !s) return tl::unexpected(s.error());
  detail::hold_maildir(root, dirs);
  return opened(root, options, std::move(dirs));
}

Maildir Maildir::opened(const std::string& root, const Options& options,
                        std::shared_ptr<const detail::FolderDirs> dirs) {
  Maildir maildir;
  maildir.root_ = root;
  maildir.options_ = options;
  maildir.host_ = options.hostname.empty() ? detail::local_hostname()
                                           : detail::sanitise_hostname(options.hostname);
  maildir.inbox_.dirs_ = std::move(dirs);
  return maildir;
}

Result<Folder> Maildir::folder(std::string_view utf8_name) {
  return detail::guarded("opening folder", [&]() -> Result<Folder> {
    if (utf8_name.empty()) return inbox_;
    auto name = parse_folder_name(utf8_name);
    if (!name) return tl::unexpected(name.error());
    if (name->is_inbox()) return inbox_;
    return open_folder(*name);
  });
}

Result<Folder> Maildir::open_folder(const FolderName& name) {
  const std::string directory = name.directory();
  if (auto held = detail::held_folder(root_fd(), root_ + "/" + directory)) {
    Folder folder;
    folder.dirs_ = std::move(held);
    return folder;
  }
  auto dirs = std::make_shared<FolderDirs>();
  dirs->name = name.display();
  dirs->directory = directory;
  dirs->path = root_ + "/" + dirs->directory;
  bool created = false;
  const int fd = detail::open_or_create_directory_at(root_fd(), dirs->directory.c_str(),
                                                     options_.dir_mode, options_.create, &created);
  if (fd < 0) {
    if (errno == ENOENT) {
      return fail(ErrorKind::temporary,
                  "folder " + dirs->path + " does not exist and creating folders is disabled",
                  ENOENT);
    }
    // O_NOFOLLOW|O_DIRECTORY reports a symlink as ENOTDIR: say what it is.
    if (errno == ENOTDIR)
      return detail::not_a_directory("cannot open folder", dirs->path, root_fd(),
                                     dirs->directory.c_str());
    return io_error("cannot open folder", dirs->path, errno);
  }
  dirs->dir.reset(fd);
  if (auto s = open_subdirs(*dirs, options_); !s) return tl::unexpected(s.error());
  std::string marker_warning = options_.create ? mark_folder(*dirs, options_) : std::string();
  if (created && options_.fsync) {
    // The new ".Folder" entry lives in the root: make it durable too.
    if (const int err = detail::fsync_fd(dirs->dir.get()); err != 0)
      return io_error("cannot fsync", dirs->path, err);
    if (const int err = detail::fsync_fd(root_fd()); err != 0)
      return io_error("cannot fsync", root_, err);
  }
  // Held only with its marker in place: else the next delivery tries again.
  if (marker_warning.empty()) detail::hold_folder(dirs);
  Folder folder;
  folder.dirs_ = std::move(dirs);
  folder.created_ = created;
  if (created && options_.subscribe) folder.warning_ = subscribe(name);
  if (!marker_warning.empty())
    folder.warning_ += (folder.warning_.empty() ? "" : "; ") + marker_warning;
  return folder;
}

Status Maildir::set_subscribed(const FolderName& name, bool subscribed) {
  return detail::guarded("changing a subscription", [&]() -> Status {
    return subscribed ? detail::subscribe_dovecot(root_fd(), root_, name, options_)
                      : detail::unsubscribe_dovecot(root_fd(), root_, name, options_);
  });
}

std::string Maildir::subscribe(const FolderName& name) {
  std::string warning;
  if (auto s = detail::subscribe_dovecot(root_fd(), root_, name, options_); !s) {
    warning = "not subscribed in Dovecot's subscriptions: " + s.error().message;
  }
  if (auto s = detail::subscribe_courier(root_fd(), root_, name, options_, host_); !s) {
    if (!warning.empty()) warning += "; ";
    warning += "not subscribed in courierimapsubscribed: " + s.error().message;
  }
  return warning;
}

namespace {

detail::QuotaContext quota_context(const Maildir& maildir) {
  detail::QuotaContext ctx;
  ctx.rootfd = maildir.root_fd();
  ctx.tmpfd = maildir.inbox().dirs()->tmp.get();
  ctx.root = maildir.root();
  ctx.host = maildir.unique_host();
  ctx.options = &maildir.options();
  return ctx;
}

}  // namespace

Result<QuotaCheck> Maildir::check_quota(std::uint64_t incoming_bytes) {
  if (without_quota_) {
    QuotaCheck none;
    none.absent = true;
    return none;
  }
  auto check = detail::guarded(
      "checking quota", [&] { return detail::check_quota(quota_context(*this), incoming_bytes); });
  if (check && check->absent && !check->limited) without_quota_ = true;
  return check;
}

Status Maildir::enforce_quota(std::uint64_t incoming_bytes) {
  return detail::guarded("checking quota", [&] { return enforce_quota_unguarded(incoming_bytes); });
}

Status Maildir::enforce_quota_unguarded(std::uint64_t incoming_bytes) {
  auto check = check_quota(incoming_bytes);
  if (!check) return tl::unexpected(check.error());
  if (check->ok()) return ok();
  // Names the file and where its limit comes from; the incoming size only
  // once it is known (the first check runs before the message is read).
  std::string message = root_ + "/maildirsize: over quota: ";
  if (check->over == QuotaResource::bytes) {
    message += std::to_string(check->used.bytes) + " bytes stored";
    if (incoming_bytes != 0) message += " + " + std::to_string(incoming_bytes) + " incoming";
    message += " > limit " + std::to_string(check->limit.bytes) + " bytes";
  } else {
    message += std::to_string(check->used.count) + " messages stored, limit " +
               std::to_string(check->limit.count) + " messages";
  }
  message += check->from_default ? " (maildir.default_quota)" : " (line 1 of the file)";
  return fail(options_.over_quota_rejects ? ErrorKind::rejected : ErrorKind::temporary, message,
              EDQUOT);
}

Status record_delivery(Maildir& maildir, std::uint64_t bytes, std::uint64_t count) {
  if (maildir.known_without_quota()) return ok();
  return detail::guarded("recording quota", [&] {
    return detail::record_delivery(quota_context(maildir), bytes, count);
  });
}

std::string Folder::keyword_letters(std::span<const std::string_view> keywords,
                                    std::string* unknown) const {
  try {
    return keyword_letters_unguarded(keywords, unknown);
  } catch (...) {
    return {};  // out of memory: deliver without keywords rather than fail
  }
}

std::string Folder::keyword_letters_unguarded(std::span<const std::string_view> keywords,
                                              std::string* unknown) const {
  // dovecot-keywords: "<index> <name>" lines; index 0..25 is letter a..z.
  int err = 0;
  const auto content =
      detail::read_file_at(dirs_->dir.get(), "dovecot-keywords", std::size_t{64} * 1024, &err);
  std::string letters;
  for (const auto keyword : keywords) {
    bool found = false;
    std::size_t start = 0;
    while (content && !found && start < content->size()) {
      auto end = content->find('\n', start);
      if (end == std::string::npos) end = content->size();
      const std::string_view line = std::string_view(*content).substr(start, end - start);
      start = end + 1;
      const auto sp = line.find(' ');
      if (sp == std::string_view::npos || line.substr(sp + 1) != keyword) continue;
      int index = 0;
      for (const char c : line.substr(0, sp))
        index = c >= '0' && c <= '9' && index < 100 ? index * 10 + (c - '0') : 100;
      if (sp == 0 || index >= 26) continue;
      letters += static_cast<char>('a' + index);
      found = true;
    }
    if (!found && unknown != nullptr) {
      if (!unknown->empty()) *unknown += ' ';
      *unknown += keyword;
    }
  }
  return letters;
}

}  // namespace mailroom::maildir
