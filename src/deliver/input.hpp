// Reading the message from the MTA: once, with a size limit, holding at most
// one copy. Small messages stay in memory; past deliver.spool_threshold the
// rest goes to an unlinked spool file that is then mapped read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mailroom/message/buffer.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

struct InputLimits {
  std::uint64_t max_size = 100ULL << 20;
  std::uint64_t spool_threshold = 1ULL << 20;
  // An MTA's pipe may start with an mbox From_ line (Postfix local(8));
  // LMTP's DATA is RFC 5322 from its first octet (RFC 2033 §4.2), where a
  // first line "From " is content and must not become the envelope sender.
  bool from_line = true;
};

struct Input {
  std::shared_ptr<const message::Buffer> buffer;  // LF line endings, From_ line removed
  std::optional<std::string> from_line_sender;    // sender named by a leading "From " line
  bool spooled = false;                           // true when the buffer maps a spool file
};

// Reads fd to its end. CRLF becomes LF (Maildir stores LF; a lone CR is
// kept). Larger than max_size -> ErrorKind::rejected. spool_dir is where an
// unlinked spool file may be created (the Maildir's tmp/: same file system,
// and already the user's).
[[nodiscard]] Result<Input> read_message(int fd, const InputLimits& limits,
                                         const std::string& spool_dir);
// The same, of a message the caller holds in memory (mailroom lmtp's
// worker: it came in the request, or in a sealed memfd it mapped).
[[nodiscard]] Result<Input> read_message(std::string_view bytes, const InputLimits& limits,
                                         const std::string& spool_dir);

// Streaming CRLF -> LF, safe across chunk boundaries.
class LineEndingNormalizer {
 public:
  // Appends `in` to `out` with CRLF turned into LF. A CR at the end of a
  // chunk is held back until the next chunk shows what follows it.
  void feed(std::string_view in, std::string& out);
  // Appends a held-back CR, if the input ended with one.
  void finish(std::string& out);

 private:
  bool pending_cr_ = false;
};

// "From alice@example.org Sat Nov 28 20:00:00 2026\n" -> "alice@example.org".
[[nodiscard]] std::optional<std::string> parse_from_line(std::string_view line);

}  // namespace mailroom::deliver
