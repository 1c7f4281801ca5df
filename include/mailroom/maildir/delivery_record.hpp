// Recognising the MTA's retry of a delivery that was linked but never
// acknowledged (issue 12 item 7): kill -9, a power cut of the MTA's side, a
// watchdog of the MTA firing between our link(2) and our exit. The MTA then
// retries the same queued message, and without a record it is stored twice.
//
// The record is the directory "mailroom-deliveries" in the Maildir root,
// one symbolic link per recent delivery: its name is the delivery's key
// (32 hex digits), its target the Maildir-relative paths the copies were
// linked under ("new/<name>", ".Lists.Work/cur/<name>:2,S"), one per line.
// A symbolic link because making one is a single atomic system call
// (symlinkat) and reading one is another (readlinkat): crash-safe with no
// file to parse, and a delivery that is no retry costs one failed readlinkat.
// Nothing ever follows these links.
//
// The key is SipHash-2-4-128 (keyed with 16 random bytes kept in the record
// as the target of ".key") over the final recipient and the message exactly
// as the MTA handed it over. A retry of the same queued message has the same
// bytes (Postfix, Exim, OpenSMTPD and Sendmail resend their queue file,
// including their own Received: field with the queue id and time), while
// the same text sent again is a new queue entry with a new Received: field:
// a different key. Input larger than 1 MiB is keyed by its first MiB, its
// last 64 KiB and its length, which hold those fields: hashing all of a
// 20 MB message would add about a third to its delivery time.
//
// A key found is a retry only if a copy it names is still in the Maildir
// (in new/, or moved to cur/ by a reader); an entry is used only within the
// configured window (deliver.retry_window, default 4 h, the longest first
// retry interval of the usual MTAs with margin: Postfix 5-67 min, Exim 15
// min, Sendmail queue runs of 1 h), and entries older than it are removed
// at most every quarter window. So byte-identical mail to the same
// recipient (only possible without an MTA adding its Received: field) is
// stored again once the window has passed or the earlier copy is gone.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

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

  // The Maildir-relative path of a copy noted under key within the window
  // that is still stored, else nullopt. A leftover tmp/ name of that copy
  // (the kill fell between link and unlink) is removed.
  std::optional<std::string> delivered_copy(std::string_view key) const;

  // Notes paths (Maildir-relative) under key, replacing an older entry.
  // Called after staging and before linking, so that a kill at any moment
  // after the link leaves an entry naming the linked file; one that never
  // got linked names nothing and is ignored by delivered_copy().
  Status note(std::string_view key, std::span<const std::string> paths) const;

  // Removes entries older than the window, at most once per quarter window
  // (a stamp's age says when it last ran). Bounded by the directory's size.
  void expire_old_entries() const;

 private:
  DeliveryRecord() = default;
  UniqueFd dir_;     // mailroom-deliveries/
  int rootfd_ = -1;  // the Maildir's, which outlives this object
  std::string path_;
  std::string host_;
  std::array<std::uint8_t, 16> secret_{};
  RecordSettings settings_;
};

}  // namespace mailroom::maildir
