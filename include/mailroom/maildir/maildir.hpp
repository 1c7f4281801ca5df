// A Maildir++ mailbox: root with tmp/ new/ cur/, folders as ".Name" beside
// them. All file system access is relative to directory descriptors opened
// once (openat/mkdirat/linkat), so a name from outside can never walk out of
// the Maildir, and symbolic links planted inside are not followed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mailroom/maildir/folder_name.hpp"
#include "mailroom/maildir/options.hpp"
#include "mailroom/maildir/quota.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::maildir {

namespace detail {
struct FolderDirs;  // the open tmp/new/cur descriptors, shared with Delivery
}

class Folder {
 public:
  const std::string& name() const;           // "INBOX", "Lists/Work" (UTF-8)
  const std::string& directory() const;      // "", ".Lists.Work"
  const std::string& path() const;           // root + "/" + directory (for logs)
  bool created() const { return created_; }  // this call created it
  // Non-fatal problem while opening (e.g. the subscription could not be
  // written): the folder works, the caller should log this.
  const std::string& warning() const { return warning_; }
  // Dovecot keyword letters ('a'..'z') for the given IMAP keywords, read from
  // the folder's dovecot-keywords file (read only: that file belongs to
  // Dovecot and is written under its locks). Keywords Dovecot does not know
  // yet are left out and listed in *unknown if given.
  std::string keyword_letters(std::span<const std::string_view> keywords,
                              std::string* unknown = nullptr) const;
  // Adds the keywords dovecot-keywords does not name yet, each at the
  // lowest free index (0..25), under Dovecot's own dotlock and in its
  // format, so that Dovecot reads their letters (keywords.cpp). Lines
  // already there are never changed. Names that are not IMAP atoms are
  // skipped; past 26 keywords nothing more is added.
  [[nodiscard]] Status add_keywords(std::span<const std::string_view> keywords,
                                    const Options& options) const;

  std::shared_ptr<const detail::FolderDirs> dirs() const { return dirs_; }

 private:
  friend class Maildir;
  std::string keyword_letters_unguarded(std::span<const std::string_view> keywords,
                                        std::string* unknown) const;
  std::shared_ptr<const detail::FolderDirs> dirs_;
  bool created_ = false;
  std::string warning_;
};

class Maildir {
 public:
  // Opens (creating if options.create) root with tmp/ new/ cur/.
  static Result<Maildir> open(const std::string& root, const Options& options);

  // Opens or creates a folder (+ maildirfolder file, + subscription).
  // "INBOX" (or "") is the root itself. Refused names: ErrorKind::parse.
  Result<Folder> folder(std::string_view utf8_name);
  const Folder& inbox() const { return inbox_; }
  // Whether the folder exists now (its new/ is a directory; nothing is
  // created, no link followed). INBOX always does; a refused name does not.
  // Sieve's mailboxexists (RFC 5490 §3.1) asks this.
  [[nodiscard]] bool has_folder(std::string_view utf8_name) const;

  // IMAP SUBSCRIBE/UNSUBSCRIBE (mailroom serve): adds the name to, or
  // removes it from, Dovecot's "subscriptions" file under its lock (the
  // file deliver adds created folders to).
  [[nodiscard]] Status set_subscribed(const FolderName& name, bool subscribed);

  // Maildir++ quota: check before writing. No quota => ok.
  // Once a check found neither a maildirsize file nor a default quota,
  // later checks and record_delivery() on this object do no I/O: a
  // delivery checks twice (before reading the message, then with its size)
  // and records once, and without a quota those were three failed opens.
  // Maildir++ quotas are advisory (Courier's README.maildirquota): a
  // maildirsize made meanwhile by another program counts from the next
  // delivery on.
  Result<QuotaCheck> check_quota(std::uint64_t incoming_bytes);
  [[nodiscard]] bool known_without_quota() const { return without_quota_; }
  // check_quota turned into a Status: over quota is ErrorKind::temporary, or
  // ErrorKind::rejected with options.over_quota_rejects.
  Status enforce_quota(std::uint64_t incoming_bytes);

  const std::string& root() const { return root_; }
  const Options& options() const { return options_; }
  const std::string& unique_host() const { return host_; }  // sanitised
  int root_fd() const;

 private:
  Maildir() = default;
  static Result<Maildir> open_unguarded(const std::string& root, const Options& options);
  static Maildir opened(const std::string& root, const Options& options,
                        std::shared_ptr<const detail::FolderDirs> dirs);
  Status enforce_quota_unguarded(std::uint64_t incoming_bytes);
  Result<Folder> open_folder(const FolderName& name);
  std::string subscribe(const FolderName& name);

  std::string root_;
  Options options_;
  std::string host_;
  Folder inbox_;
  bool without_quota_ = false;  // see check_quota()
};

// For a process that delivers again and again (mailroom lmtp's per-uid
// worker): Maildir::open keeps the descriptors of the Maildirs it opened
// (a few, the most recently used) and takes them again for the same root
// while the root's path and its tmp/ new/ cur/ still name the directories
// held (device and inode, one stat each: four system calls instead of four
// opens and four closes). A Maildir renamed away, replaced, or with tmp/
// new/ or cur/ swapped is opened afresh, so a copy never goes into a
// directory that is no longer the user's Maildir. The folders opened in
// it (Maildir::folder: Sieve's fileinto targets, Junk) are held the same
// way, checked by name inside the root (not following a link, as opened).
// Off by default (deliver opens once and exits); false closes what is
// held.
void keep_maildirs_open(bool keep);

// tmp/ clean-up (issue 12 item 8): a delivery killed before its link leaves
// its staged file in tmp/. The Maildir specification (cr.yp.to/proto/
// maildir.html) says files there untouched for 36 hours may be removed;
// Dovecot does it when it scans tmp/, at most every 8 hours.
struct TmpCleanup {
  long long older_than_seconds = 36LL * 3600;
  long long every_seconds = 8LL * 3600;  // per folder; stamp: mailroom-tmp-cleaned beside tmp/
};

// Removes what is not a directory in folder's tmp/ and whose access,
// modification and change times are all older than older_than_seconds, when
// the stamp's modification time is older than every_seconds (or missing); a
// delivery in between costs one fstatat. Returns how many were removed.
// Never fails: what cannot be removed stays for the next time.
std::size_t clean_tmp(const Folder& folder, const TmpCleanup& policy = {});

// Updates quota accounting after a successful commit: appends "<bytes>
// <count>" to maildirsize (one O_APPEND write). No quota => nothing to do.
Status record_delivery(Maildir& maildir, std::uint64_t bytes, std::uint64_t count = 1);

}  // namespace mailroom::maildir
