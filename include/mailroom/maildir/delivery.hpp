// Writing one message into one or more folders, Maildir style: every copy is
// first written and fsynced under a unique name in tmp/ (stage), then all are
// linked into new/ or cur/ at once (commit). A reader never sees a partial
// file, and no existing file is ever replaced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/maildir/maildir.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::maildir {

struct CopyOutcome {
  std::string folder;          // UTF-8 folder name, "INBOX", "Lists/Work"
  std::string path;            // final path when delivered
  std::uint64_t size = 0;      // bytes written (the S= field)
  std::optional<Error> error;  // set when this copy was not delivered
  std::string warning;         // delivered, but something non-fatal failed
  bool delivered() const { return !error.has_value(); }
};

struct CommitReport {
  std::vector<CopyOutcome> copies;  // in stage order
  bool any_delivered() const;
  bool all_delivered() const;
  // First error, for the caller's message when nothing was delivered.
  const Error* first_error() const;
};

// Bytes that are also a file: a piece of stage()'s pieces that lies inside
// `bytes` is at the same offset in `fd`, so it can be copied file to file in
// the kernel (copy_file_range) instead of through our mapping of it. For a
// spooled 20 MB message on a VM that is about 4 ms instead of 50: the kernel
// reading a large user mapping pays for every page it was never touched by
// us. Where the kernel cannot (another file system, no support), the piece
// is written from memory as any other.
struct SourceFile {
  std::string_view bytes;
  int fd = -1;
};

class Delivery {
 public:
  explicit Delivery(Maildir& maildir);
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;
  Delivery(Delivery&&) noexcept;
  Delivery& operator=(Delivery&&) = delete;
  ~Delivery();  // unlinks staged tmp files that were never committed

  // Writes pieces (concatenated) into folder/tmp/ with O_CREAT|O_EXCL under a
  // unique name "<secs>.M<usec>P<pid>Q<n>.<host>,S=<size>[,W=<crlf size>]"
  // and fsyncs it. flags: Maildir info letters, IMAP system flags
  // ("DFPRST") and Dovecot keyword letters ('a'..'z', see
  // Folder::keyword_letters); order and duplicates do not matter. With flags
  // the message goes to cur/ with ":2,<flags>" at commit. Invalid flags:
  // ErrorKind::parse (nothing written).
  Status stage(const Folder& folder, std::span<const std::string_view> pieces,
               std::string_view flags = {}, SourceFile source = {});

  // Links every staged file into new/ (or cur/) with linkat, never replacing
  // a file (EEXIST: a new name; file systems without hard links:
  // renameat2(RENAME_NOREPLACE)); fsyncs each target directory once; unlinks
  // the tmp names. While it links, the watchdog counts the delivery as
  // linked (it never exits 75 halfway through a commit). Call once.
  CommitReport commit() noexcept;

  std::size_t staged() const;
  // Moves the first staged copy to dirfd/name (rename, replacing what is
  // there), so that commit() links it from there and leaves that name: the
  // delivery record (DeliveryRecord::keep) tells by its link count whether
  // it was linked. Both must be on the Maildir's file system.
  Status keep_first_copy_as(int dirfd, const std::string& name);

 private:
  struct Staged;
  Status stage_copy(const Folder& folder, std::span<const std::string_view> pieces,
                    std::string_view flags, SourceFile source);
  CommitReport commit_all();
  Maildir* maildir_;
  std::vector<Staged> copies_;
};

// Async-signal-safe cleanup for the delivery watchdog (SIGALRM handler):
// unlinks every currently staged tmp file (unlinkat on a stored directory
// descriptor and name; no allocation, no locks).
void unlink_staged_tmp_files_from_signal_handler() noexcept;

// Async-signal-safe: true once any copy of any Delivery in this process has
// been linked into new/ or cur/. The watchdog must not exit 75 after that:
// the MTA would retry and the message would be delivered twice.
bool any_copy_linked_from_signal_handler() noexcept;

// For a process that delivers again once a delivery has ended (mailroom
// lmtp's per-uid worker): the next delivery's watchdog starts from
// "nothing linked", so that its deadline can still tempfail it.
void forget_linked_copies() noexcept;

// Checks flags for stage() and returns them in Maildir order (ASCII, no
// duplicates). Exposed for callers that validate early.
Result<std::string> normalise_flags(std::string_view flags);

// The Maildir letter of an IMAP system flag (RFC 3501 §2.3.2, any case:
// "\\Seen" is 'S'), as Dovecot writes it; 0 for a keyword, \\Recent and
// unknown system flags, which have none.
char system_flag_letter(std::string_view imap_flag);

}  // namespace mailroom::maildir
