// The "actions" end of the pipeline: turns the targets chosen for a message
// (folders and flags) into durable Maildir writes, with Dovecot's fallback
// chain: the chosen folder, else INBOX. All copies are staged in tmp/
// before any is linked, so a failure before the commit leaves nothing, and
// once one copy is in new/ the delivery counts as done (a retry would
// duplicate it).
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/delivery_record.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

struct Target {
  std::string folder;  // UTF-8 IMAP name; "INBOX" for the inbox
  std::string flags;   // Maildir flag letters, e.g. "S"; "" = new/
  std::string why;     // for the log: what chose this folder
  // IMAP keywords (RFC 5232 imap4flags): stored as the folder's Dovecot
  // keyword letters where its dovecot-keywords file knows them.
  std::vector<std::string> keywords = {};
  // fileinto :create (RFC 5490 §3.2): make the folder even when
  // maildir.create is off.
  bool create = false;
};

struct StoreReport {
  std::vector<std::string> folders;   // where copies were delivered
  std::vector<std::string> files;     // their final paths
  std::vector<std::string> warnings;  // fallbacks and failed extra copies
  std::vector<std::string> why;       // per delivered copy
  std::uint64_t bytes = 0;            // size of one stored copy
  [[nodiscard]] std::string folders_text() const;
  [[nodiscard]] std::string why_text() const;
};

class Store {
 public:
  [[nodiscard]] static Result<Store> open(const std::string& maildir_root, const Config& config);

  // Sieve's mailboxexists: does the folder exist now (INBOX always)?
  [[nodiscard]] bool has_folder(std::string_view utf8_name) const {
    return maildir_.has_folder(utf8_name);
  }

  // Over quota -> rejected or temporary, per deliver.quota_exceeded.
  [[nodiscard]] Status check_quota(std::uint64_t incoming_bytes);

  // True when this message (the bytes the MTA handed over) was already
  // stored for recipient within deliver.retry_window and a copy is still in
  // the Maildir: the MTA's retry of a delivery killed between link and exit
  // (issue 12 item 7). Logs it; the caller exits 0. Otherwise remembers the
  // key, and save() keeps the first copy in the record under it before
  // linking it (maildir::DeliveryRecord). Only a message whose topmost
  // Received: field has an "id" clause (RFC 5321 section 4.4: the queue id
  // of the MTA handing it over) is recorded: its bytes then name one queue
  // entry, so equal bytes are a retry. Without one (mailroom run by hand,
  // a script) the same bytes may well be meant twice. Never fails: a record
  // that cannot be used only costs the protection.
  [[nodiscard]] bool recognise_retry(const message::Message& message, std::string_view recipient);

  // Writes one copy per distinct target: `pieces` one after the other (the
  // added header fields, then the message, spliced where fields are
  // renamed: no copy of the message is made). Pieces of a spooled message
  // are copied from its file (maildir::SourceFile). Fails only when no copy
  // was saved.
  [[nodiscard]] Result<StoreReport> save(const std::vector<Target>& targets,
                                         std::span<const std::string_view> pieces,
                                         maildir::SourceFile source = {});

  // RFC 8580 :fcc: a copy of a message Sieve sent, `text` whole, into
  // `target` as save() would; kept out of the retry record, which names
  // the delivered message.
  [[nodiscard]] Result<StoreReport> save_sent(const Target& target, std::string_view text);

  // Where the input may spool a large message: tmp/ of the Maildir root.
  [[nodiscard]] std::string spool_directory() const;

 private:
  Store(maildir::Maildir maildir, std::chrono::seconds retry_window)
      : maildir_(std::move(maildir)), retry_window_(retry_window) {}
  void keep_in_record(maildir::Delivery& delivery);

  maildir::Maildir maildir_;
  std::chrono::seconds retry_window_;
  std::optional<maildir::DeliveryRecord> record_;
  std::string key_;  // of the message being delivered, when record_
};

}  // namespace mailroom::deliver
