// Recognising the MTA's retry of a delivery that was linked but never
// acknowledged (issue 12 item 7): kill -9, a power cut of the MTA's side, a
// watchdog of the MTA firing between our link(2) and our exit. The MTA then
// retries the same queued message, and without a record it is stored twice.
//
// The record is the directory "mailroom-deliveries" in the Maildir root:
// for each recent delivery a hard link to its first copy, named by the
// delivery's key (32 hex digits). The staged file is moved there from tmp/
// (rename) before it is linked into new/, and linked into new/ from there:
//   not linked yet: the record's name is the file's only one (nlink 1);
//   linked:         it has another, in new/ or cur/ (nlink >= 2), whatever
//                   a reader renamed it to since.
// So the link count alone tells a retry of a linked delivery, with no state
// to write after the link, and the cost of a delivery is one rename (no new
// inode: a record file or symbolic link per delivery cost 0.2-0.3 ms of
// inode allocation on this VM's ext4) and, when it is no retry, one failed
// fstatat. A copy the user deleted has nlink 1 again: its retry is stored.
// The record's names hold the messages' blocks until they expire (at most
// the window), also when the user deleted the message meanwhile.
//
// The key is SipHash-2-4-128 (keyed with 16 random bytes kept in the record
// as the target of ".key") over the final recipient and the message exactly
// as the MTA handed it over. A retry of the same queued message has the same
// bytes (Postfix, Exim, OpenSMTPD and Sendmail resend their queue file,
// including their own Received: field with the queue id and time), while
// the same text sent again is a new queue entry with a new Received: field:
// a different key. Input larger than 1 MiB is keyed by its first MiB, its
// last 64 KiB and its length, which hold those fields: hashing costs about
// 5.7 instructions a byte (callgrind), so all of a 20 MB message would be
// some 110 M instructions, more than the rest of its delivery.
//
// A key found is a retry only if its file was linked and is still in the
// Maildir; an entry is used only within the configured window
// (deliver.retry_window, default 4 h: the first retry of the usual MTAs
// with margin, Postfix 5-67 min, Exim 15 min, Sendmail queue runs of 1 h),
// and entries older than it are removed
// at most every quarter window. The caller records only messages whose
// topmost Received: field carries an MTA's queue id
// (deliver::Store::recognise_retry): equal bytes without one may be meant
// twice.
// On a file system without hard links (link(2) fails, mailroom renames
// instead) the record protects nothing; nothing else changes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::maildir {

struct RecordSettings {
  std::chrono::seconds window{4 * 3600};  // 0: no record at all
};

class DeliveryRecord {
 public:
  // Opens (making on first use) the record of maildir. Fails only with an
  // I/O error; the caller delivers anyway (the record is an optimisation
  // against duplicates, never a reason not to store mail).
  static Result<DeliveryRecord> open(const Maildir& maildir, const RecordSettings& settings);

  // 32 hex digits for this message to this recipient.
  std::string key(std::string_view message, std::string_view recipient) const;

  // True when a delivery kept under key within the window was linked and
  // still has a name outside the record (in new/ or cur/).
  bool delivered(std::string_view key) const;

  // Moves delivery's first staged copy into the record under key (replacing
  // an older entry: a delivery killed before its link, or one past the
  // window). Call after staging, before commit().
  Status keep(std::string_view key, Delivery& delivery) const;

  // Removes entries older than the window, at most once per quarter window
  // (a stamp's age says when it last ran). Bounded by the directory's size.
  void expire_old_entries() const;

 private:
  DeliveryRecord() = default;
  UniqueFd dir_;     // mailroom-deliveries/
  int rootfd_ = -1;  // the Maildir's, which outlives this object
  std::string path_;
  std::array<std::uint8_t, 16> secret_{};
  RecordSettings settings_;
};

}  // namespace mailroom::maildir
