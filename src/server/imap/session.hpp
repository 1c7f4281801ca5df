// The authenticated and selected states of RFC 3501 (sections 6.3 and
// 6.4), run by the session process as the user. Each handler takes one
// parsed command and returns everything to send for it, tagged reply
// included.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/maildir/maildir.hpp"
#include "mailroom/server/imap.hpp"
#include "server/imap/junk_learning.hpp"
#include "server/imap/selected.hpp"

namespace mailroom::server::imap {

struct SessionSetup {
  std::vector<std::string> special_use;  // maildir.special_use: "\Junk=Junk"
  bool learn_junk = false;               // serve.imap_learn_junk (junk_learning.hpp)
  spam::StoreLocation spam_store;        // the user's store: spam.store, ~/.mailroom/spam
};

class Session {
 public:
  Session(maildir::Maildir maildir, SessionSetup setup)
      : maildir_(std::move(maildir)), setup_(std::move(setup)) {}

  // One command; `logout` is set after LOGOUT, `idle` when IDLE began (the
  // caller then waits for DONE, calling idle_tick() meanwhile).
  [[nodiscard]] std::string handle(const Command& command, bool& logout, bool& idle);
  // Untagged updates of the selected mailbox (IDLE, NOOP).
  [[nodiscard]] std::string idle_tick();
  // How often the selected folder was read from disk: after a read the
  // session gives the freed scan buffers back (run_session).
  [[nodiscard]] std::uint64_t scans() const { return selected_ ? selected_->scans : 0; }
  // Where a long response (FETCH of many messages) goes in pieces as it is
  // made, so that its size is not bounded by the session's memory; false
  // from it means the client is gone. Without one, handle() returns all.
  void stream_to(std::function<bool(std::string_view)> sink) { sink_ = std::move(sink); }
  // The tagged OK of the login (the CAPABILITY response code, RFC 3501
  // section 7.1, since capabilities change at login).
  [[nodiscard]] static std::string login_ok(const std::string& tag);

 private:
  // mailbox_commands.cpp
  std::string list(const Command& c, bool lsub);
  std::string create(const Command& c);
  std::string remove(const Command& c);
  std::string rename(const Command& c);
  std::string rename_inbox(const Command& c, const maildir::FolderName& to);
  std::string subscribe(const Command& c, bool on);
  std::string status(const Command& c);
  std::string select(const Command& c, bool read_only);
  std::string append(const Command& c);
  [[nodiscard]] std::string special_use(const maildir::FolderName& folder) const;
  // message_commands.cpp
  std::string fetch(const Command& c, bool uid);
  std::string store(const Command& c, bool uid);
  std::string copy(const Command& c, bool uid, bool move);
  std::string search(const Command& c, bool uid);
  std::string expunge(const Command& c, bool uid);
  std::string selected_command(const Command& c, bool& handled);
  // Indices of the messages a sequence set names; nullopt if it is no set.
  std::optional<std::vector<std::size_t>> messages_of(const Value& set, bool uid) const;
  // A new message in `folder` from `bytes` (APPEND, COPY into the same
  // folder): its UID and the folder's UIDVALIDITY.
  Result<std::pair<std::uint32_t, std::uint32_t>> store_message(
      const maildir::FolderName& name, std::string_view bytes,
      const std::vector<std::string>& flags, long long internal_date);
  std::string updates(bool report_expunges);
  // Trains the files when serve.imap_learn_junk is on (junk_learning.hpp).
  void learn(const std::vector<std::string>& files, Training training) const;

  maildir::Maildir maildir_;
  SessionSetup setup_;
  std::optional<Selected> selected_;
  std::string last_stored_path_;  // the file store_message wrote last
  std::function<bool(std::string_view)> sink_;
};

}  // namespace mailroom::server::imap
