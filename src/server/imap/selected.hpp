// The selected state (RFC 3501 section 6.3.1 and 6.4): one folder's
// messages in UID order with their sequence numbers, flags read from and
// written to the Maildir file names (info "2,<letters>": S \Seen,
// R \Answered, F \Flagged, T \Deleted, D \Draft, 'a'..'z' the keywords of
// Dovecot's dovecot-keywords, which Sieve's imap4flags writes too).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/maildir/folder_name.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"
#include "server/imap/crlf.hpp"
#include "server/imap/uidlist.hpp"

namespace mailroom::server::imap {

// A message file as the selected folder keeps it: the name lives in the
// folder's NameArena (16 bytes here: 5,000 messages are 5,000 of these).
struct FileRef {
  FileRef() = default;
  FileRef(bool cur, std::string_view kept)
      : data_(kept.data()), size_(static_cast<std::uint16_t>(kept.size())), in_cur(cur) {}
  [[nodiscard]] std::string_view name() const { return {data_, size_}; }  // "<unique>[:2,<flags>]"
  [[nodiscard]] std::string_view unique() const { return name().substr(0, name().find(':')); }
  [[nodiscard]] std::string_view flags() const {
    auto info = name().find(":2,");
    return info == std::string_view::npos ? std::string_view() : name().substr(info + 3);
  }

 private:
  const char* data_ = nullptr;
  std::uint16_t size_ = 0;  // a file name is at most NAME_MAX (255) octets

 public:
  bool in_cur = false;
};

// The names of a folder's message files, packed into a few large blocks
// rather than a heap string each: an idle session on a folder of 5,000
// messages holds them for hours, and 5,000 small strings scattered among
// the freed buffers of the scan would keep most of those buffers' pages
// (bench/serve, memory per idle connection). A name never moves once kept,
// so views stay valid; renames add the new name, and compact() drops the
// old ones.
class NameArena {
 public:
  [[nodiscard]] std::string_view keep(std::string_view name);
  [[nodiscard]] std::size_t kept() const { return kept_; }

 private:
  static constexpr std::size_t kBlock = std::size_t{64} * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;  // the free end of the last block
  std::size_t room_ = 0;  // free bytes there
  std::size_t kept_ = 0;  // bytes of every name kept so far
};

struct Message {
  FileRef file;
  std::uint32_t uid = 0;
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
  // The message as a literal ("{n}\r\n" and its text, CRLF) appended to
  // `out`: read once and converted into `out`, with no copy of its own
  // (BODY[] of a whole folder is mostly this).
  [[nodiscard]] Status append_literal(const Message& message, std::string& out) const;
  // Only the header and the blank line after it, as stored (LF line
  // ends, mostly): ENVELOPE needs no more, and the message module's
  // header parser takes LF and CRLF alike (a 4 KB message is then one
  // read of its first block, and no copy).
  [[nodiscard]] Result<std::string> read_header(const Message& message) const;
  // RFC822.SIZE from the ",W=" of the file name (the size with CRLF line
  // ends, which deliver writes only when it is exact; Dovecot trusts it
  // the same way); nullopt without one.
  [[nodiscard]] static std::optional<std::uint64_t> size_from_name(const Message& message);
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
  [[nodiscard]] FileRef keep(const MaildirFile& file) {
    return FileRef(file.in_cur, names_.keep(file.name));
  }
  // A new arena when renames left more dead names than live ones.
  void compact_names();
  // cur/ or new/ of the message, open: a message file is opened by its
  // name alone (one path lookup less per message of a FETCH).
  [[nodiscard]] int sub_dir(const Message& message) const;
  // The message file, open for reading.
  [[nodiscard]] Result<UniqueFd> open_file(const Message& message) const;
  NameArena names_;
  UniqueFd new_dir_, cur_dir_;
  // Whether new/ and cur/ may have changed since the last sync: every
  // delivery, expunge and flag change (a rename) changes a directory's
  // mtime, so an unchanged pair spares the scan of the whole folder that
  // IDLE would otherwise do twice a second (Dovecot checks the same). A
  // time stamp less than kSettleSeconds older than the scan is not
  // trusted: a change in the same clock tick leaves the mtime as it was.
  [[nodiscard]] bool may_have_changed() const;
  void remember_stamps();
  std::array<std::string, 26> keywords_;  // dovecot-keywords: index -> name
  std::array<long long, 4> stamps_{};     // new/, cur/ mtime: seconds, nanoseconds
  bool stamps_trusted_ = false;

 public:
  std::uint64_t scans = 0;  // syncs that read the directories (the session trims after one)
};

}  // namespace mailroom::server::imap
