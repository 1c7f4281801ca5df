// The selected state (RFC 3501 section 6.3.1 and 6.4): one folder's
// messages in UID order with their sequence numbers, flags read from and
// written to the Maildir file names (info "2,<letters>": S \Seen,
// R \Answered, F \Flagged, T \Deleted, D \Draft, 'a'..'z' the keywords of
// Dovecot's dovecot-keywords, which Sieve's imap4flags writes too).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/maildir/folder_name.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"
#include "server/imap/uidlist.hpp"

namespace mailroom::server::imap {

struct Message {
  std::uint32_t uid = 0;
  MaildirFile file;
  bool recent = false;
  bool gone = false;  // expunged by someone else, not yet reported
};

class Selected {
 public:
  // Opens and syncs; a read-write SELECT moves new/ messages to cur/ (they
  // are \Recent for this session only, as with Dovecot).
  [[nodiscard]] static Result<Selected> open(int rootfd, const maildir::FolderName& name,
                                             maildir::Folder folder, bool read_only,
                                             const maildir::Options& options);

  // Brings the view up to date; the untagged responses that say what
  // changed ("* 3 EXPUNGE", "* 7 EXISTS", "* 2 FETCH (FLAGS ...)").
  // Without report_expunges (during FETCH, STORE, SEARCH: RFC 3501 section
  // 7.4.1) vanished messages stay as `gone` until a later sync.
  [[nodiscard]] Result<std::string> sync(bool report_expunges);

  // The SELECT/EXAMINE responses before the tagged OK.
  [[nodiscard]] std::string select_responses() const;

  // "(\Seen \Flagged $Junk \Recent)".
  [[nodiscard]] std::string flag_list(const Message& message) const;
  // Letters for IMAP flags and keywords (unknown keywords are added to
  // dovecot-keywords first; \Recent is ignored); nullopt for a flag that
  // cannot be stored (an unknown system flag, or no keyword letter left).
  [[nodiscard]] std::optional<std::string> letters_for(const std::vector<std::string>& flags);
  // Renames the file to carry `letters` (moving it to cur/).
  [[nodiscard]] Status set_letters(Message& message, const std::string& letters);
  // Unlinks the \Deleted messages (all, or those whose UID is in `only`);
  // the "* n EXPUNGE" responses, and the expunged UIDs.
  [[nodiscard]] std::string expunge(const std::vector<std::uint32_t>* only,
                                    std::vector<std::uint32_t>* expunged);
  // The message as the client sees it: CRLF line ends (stored with LF).
  [[nodiscard]] Result<std::string> read(const Message& message) const;
  // Seconds since the epoch the message arrived (the file's mtime).
  [[nodiscard]] long long internal_date(const Message& message) const;

  std::vector<Message> messages;
  std::uint32_t validity = 0;
  std::uint32_t next_uid = 1;
  bool read_only = false;
  maildir::FolderName name;
  maildir::Folder folder;
  maildir::Options options;
  UniqueFd dir;

 private:
  void read_keywords();
  std::array<std::string, 26> keywords_;  // dovecot-keywords: index -> name
};

// The message text with every bare LF made CRLF (RFC 3501 section 2.3.1:
// IMAP sends CRLF; deliver stores what the MTA gave, normally LF).
[[nodiscard]] std::string to_crlf(std::string_view text);

}  // namespace mailroom::server::imap
