// Maildir delivery (cr.yp.to/proto/maildir.html; Dovecot maildir-save.c):
//   1. create tmp/<unique> with O_EXCL (never reuse a name), write, fsync;
//   2. link into new/ (or cur/ with flags): link(2) fails with EEXIST instead
//      of replacing, so nothing already delivered can be overwritten;
//   3. fsync new/ so the link survives a crash, then unlink the tmp name.
// Staging every copy before linking any makes a multi-folder delivery
// all-or-nothing until the first link (the watchdog can still tempfail).
#include "mailroom/maildir/delivery.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>

#include "maildir/file_io.hpp"
#include "maildir/folder_dirs.hpp"
#include "maildir/staged_registry.hpp"
#include "maildir/sys_error.hpp"
#include "maildir/unique_name.hpp"

namespace mailroom::maildir {

using detail::io_error;

struct Delivery::Staged {
  std::shared_ptr<const detail::FolderDirs> dirs;
  std::string tmp_name;
  detail::Sizes sizes;
  std::string flags;  // normalised; empty = new/
  int slot = -1;
  // Set by keep_first_copy_as: the staged file was moved there (the delivery
  // record) and is linked from there, and that name stays after commit.
  int kept_fd = -1;
  std::string kept_name;
  int source_fd() const { return kept_fd >= 0 ? kept_fd : dirs->tmp.get(); }
  const std::string& source_name() const { return kept_fd >= 0 ? kept_name : tmp_name; }
};

namespace {

// Marks a commit in progress for the watchdog (staged_registry.hpp,
// set_linking): from before the first link until the outcome is recorded,
// the deadline counts the delivery as linked and only interrupts what
// blocks (a deadline reached while nothing got linked exits 75 a second
// later, when the watchdog's next signal finds the commit over).
class Linking {
 public:
  Linking() noexcept { detail::set_linking(true); }
  ~Linking() { detail::set_linking(false); }
  Linking(const Linking&) = delete;
  Linking& operator=(const Linking&) = delete;
};

bool links_unsupported(int err) {
  // EPERM: e.g. vfat/some FUSE; EOPNOTSUPP (= ENOTSUP on Linux): no link(2).
  return err == EPERM || err == EOPNOTSUPP || err == EMLINK;
}

std::string final_name(const std::string& base, const std::string& flags) {
  return flags.empty() ? base : base + ":2," + flags;
}

struct Linked {
  int target_fd = -1;
  std::string name;
  bool renamed = false;  // the tmp name is gone already
};

// Moves one staged file to its final place; never replaces an existing file.
Result<Linked> link_one(const detail::FolderDirs& dirs, int source_fd, const std::string& source,
                        const std::string& tmp_name, const detail::Sizes& sizes,
                        const std::string& flags, const std::string& host, int attempts) {
  Linked out;
  out.target_fd = flags.empty() ? dirs.new_.get() : dirs.cur.get();
  const char* sub = flags.empty() ? "/new/" : "/cur/";
  out.name = final_name(tmp_name, flags);
  bool use_rename = false;
  for (int attempt = 0; attempt < std::max(1, attempts); ++attempt) {
    int rc = 0;
    if (!use_rename) {
      rc = ::linkat(source_fd, source.c_str(), out.target_fd, out.name.c_str(), 0);
      if (rc != 0 && links_unsupported(errno)) {
        use_rename = true;
        --attempt;  // not a name collision: try again at once with rename
        continue;
      }
    } else {
      rc =
          ::renameat2(source_fd, source.c_str(), out.target_fd, out.name.c_str(), RENAME_NOREPLACE);
      out.renamed = rc == 0;
    }
    if (rc == 0) return out;
    if (errno != EEXIST)
      return io_error(use_rename ? "cannot rename into" : "cannot link into",
                      dirs.path + sub + out.name, errno);
    // Someone holds this name (clock step back, a copied Maildir): new name.
    out.name = final_name(detail::with_sizes(detail::unique_base(host), sizes), flags);
  }
  return fail(ErrorKind::temporary, "no free file name in " + dirs.path + sub + " after " +
                                        std::to_string(attempts) + " attempts");
}

}  // namespace

bool CommitReport::any_delivered() const {
  return std::any_of(copies.begin(), copies.end(), [](const auto& c) { return c.delivered(); });
}

bool CommitReport::all_delivered() const {
  return std::all_of(copies.begin(), copies.end(), [](const auto& c) { return c.delivered(); });
}

const Error* CommitReport::first_error() const {
  for (const auto& c : copies) {
    if (c.error) return &*c.error;
  }
  return nullptr;
}

Delivery::Delivery(Maildir& maildir) : maildir_(&maildir) {}
Delivery::Delivery(Delivery&&) noexcept = default;
std::size_t Delivery::staged() const { return copies_.size(); }

Status Delivery::keep_first_copy_as(int dirfd, const std::string& name) {
  if (copies_.empty()) return ok();
  Staged& copy = copies_.front();
  if (::renameat(copy.source_fd(), copy.source_name().c_str(), dirfd, name.c_str()) != 0)
    return io_error("cannot move " + copy.dirs->path + "/tmp/" + copy.tmp_name + " to", name,
                    errno);
  copy.kept_fd = dirfd;
  copy.kept_name = name;
  // The watchdog removes it from there now, if it fires before the link.
  detail::unregister_staged(copy.slot);
  copy.slot = detail::register_staged(dirfd, name.c_str());
  return ok();
}

Delivery::~Delivery() {
  for (auto& copy : copies_) {
    (void)::unlinkat(copy.source_fd(), copy.source_name().c_str(), 0);
    detail::unregister_staged(copy.slot);
  }
}

Status Delivery::stage(const Folder& folder, std::span<const std::string_view> pieces,
                       std::string_view flags, SourceFile source) {
  try {
    return stage_copy(folder, pieces, flags, source);
  } catch (const std::exception& e) {  // bad_alloc: tempfail, never crash
    return fail(ErrorKind::internal, std::string("staging failed: ") + e.what());
  }
}

Status Delivery::stage_copy(const Folder& folder, std::span<const std::string_view> pieces,
                            std::string_view flags, SourceFile source) {
  auto normalised = normalise_flags(flags);
  if (!normalised) return tl::unexpected(normalised.error());
  const auto dirs = folder.dirs();
  const Options& options = maildir_->options();
  Staged copy;
  copy.dirs = dirs;
  copy.flags = std::move(*normalised);
  copy.sizes = detail::measure(pieces);
  int fd = -1;
  const int attempts = std::max(1, options.max_name_attempts);
  for (int attempt = 0; attempt < attempts && fd < 0; ++attempt) {
    copy.tmp_name = detail::with_sizes(detail::unique_base(maildir_->unique_host()), copy.sizes);
    fd = ::openat(dirs->tmp.get(), copy.tmp_name.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, options.file_mode);
    if (fd < 0 && errno != EEXIST)
      return io_error("cannot create", dirs->path + "/tmp/" + copy.tmp_name, errno);
  }
  if (fd < 0) {
    return fail(ErrorKind::temporary,
                "no free file name in " + dirs->path + "/tmp/ after " + std::to_string(attempts) +
                    " attempts",
                EEXIST);
  }
  UniqueFd file(fd);
  // Registered only once O_EXCL made the file ours: the watchdog must never
  // unlink a name that belongs to another process.
  copy.slot = detail::register_staged(dirs->tmp.get(), copy.tmp_name.c_str());
  auto discard = [&](Error error) -> Status {
    (void)::unlinkat(dirs->tmp.get(), copy.tmp_name.c_str(), 0);
    detail::unregister_staged(copy.slot);
    return tl::unexpected(std::move(error));
  };
  if (copy.slot < 0) {
    return discard(Error{
        ErrorKind::limit,
        "more than " + std::to_string(detail::kMaxStagedFiles) + " copies staged at once", 0});
  }
  const std::string path = dirs->path + "/tmp/" + copy.tmp_name;
  if (const int err = detail::write_all(file.get(), pieces, source.bytes, source.fd); err != 0) {
    return discard(io_error("cannot write", path, err).value());
  }
  // The data must be on disk before any directory entry in new/ names it.
  if (options.fsync) {
    if (const int err = detail::fsync_fd(file.get()); err != 0) {
      return discard(io_error("cannot fsync", path, err).value());
    }
  }
  // close(2) reports delayed write errors on NFS.
  if (::close(file.release()) != 0) return discard(io_error("cannot close", path, errno).value());
  copies_.push_back(std::move(copy));
  return ok();
}

CommitReport Delivery::commit() noexcept {
  try {
    return commit_all();
  } catch (...) {
    // Only allocation can throw here. Report every copy as failed: the
    // caller tempfails, which at worst duplicates a message, never loses it.
    CommitReport report;
    try {
      for (const auto& copy : copies_) {
        report.copies.push_back(
            CopyOutcome{copy.dirs->name,
                        {},
                        copy.sizes.bytes,
                        Error{ErrorKind::internal, "out of memory in commit", 0},
                        {}});
      }
    } catch (...) {
    }
    return report;
  }
}

CommitReport Delivery::commit_all() {
  CommitReport report;
  Linking linking;
  const Options& options = maildir_->options();
  std::vector<Linked> linked(copies_.size());
  for (std::size_t i = 0; i < copies_.size(); ++i) {
    const Staged& copy = copies_[i];
    CopyOutcome outcome;
    outcome.folder = copy.dirs->name;
    outcome.size = copy.sizes.bytes;
    auto done =
        link_one(*copy.dirs, copy.source_fd(), copy.source_name(), copy.tmp_name, copy.sizes,
                 copy.flags, maildir_->unique_host(), options.max_name_attempts);
    if (done) {
      linked[i] = std::move(*done);
      outcome.path = copy.dirs->path + (copy.flags.empty() ? "/new/" : "/cur/") + linked[i].name;
    } else {
      outcome.error = done.error();
    }
    report.copies.push_back(std::move(outcome));
  }
  if (options.fsync) {
    // One fsync per distinct target directory, however many copies went there.
    std::vector<int> synced;
    for (std::size_t i = 0; i < copies_.size(); ++i) {
      const int dir = linked[i].target_fd;
      if (!report.copies[i].delivered() ||
          std::find(synced.begin(), synced.end(), dir) != synced.end())
        continue;
      synced.push_back(dir);
      const int err = detail::fsync_fd(dir);
      if (err == 0) continue;
      // The link may not survive a crash: undo it so the MTA's retry does not
      // duplicate; if even that fails, the copy stays and counts as delivered.
      for (std::size_t j = i; j < copies_.size(); ++j) {
        if (linked[j].target_fd != dir || !report.copies[j].delivered()) continue;
        auto& outcome = report.copies[j];
        if (!linked[j].renamed && ::unlinkat(dir, linked[j].name.c_str(), 0) == 0) {
          outcome.error =
              io_error("cannot fsync", outcome.path.substr(0, outcome.path.rfind('/')), err)
                  .value();
          outcome.path.clear();
        } else {
          outcome.warning = "directory fsync failed: " + std::string(std::strerror(err));
        }
      }
    }
  }
  for (std::size_t i = 0; i < copies_.size(); ++i) {
    const Staged& copy = copies_[i];
    // A kept name stays even if its link failed: a retry then finds one name
    // (nlink 1), not a delivery, and replaces it.
    if (!linked[i].renamed && copy.kept_fd < 0)
      (void)::unlinkat(copy.source_fd(), copy.source_name().c_str(), 0);
    detail::unregister_staged(copies_[i].slot);
  }
  copies_.clear();
  if (report.any_delivered()) detail::set_any_linked();
  return report;
}

}  // namespace mailroom::maildir
