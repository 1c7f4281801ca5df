#include "deliver/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "deliver/envelope.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::deliver {
namespace {

constexpr std::size_t kChunk = std::size_t{64} * 1024;

Result<std::size_t> read_some(int fd, char* data, std::size_t size) {
  while (true) {
    ssize_t n = ::read(fd, data, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return fail_errno(ErrorKind::temporary, "reading the message", errno);
  }
}

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_errno(ErrorKind::temporary, "writing the spool file", errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok();
}

// An unlinked file in spool_dir: O_TMPFILE where the file system has it,
// else mkstemp + unlink. Either way nothing is left behind on a crash.
Result<UniqueFd> open_spool(const std::string& spool_dir) {
  int fd = ::open(spool_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return UniqueFd(fd);
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    return fail_errno(ErrorKind::temporary, "creating a spool file in " + spool_dir, errno);
  std::string name = spool_dir + "/.mailroom-spool.XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0)
    return fail_errno(ErrorKind::temporary, "creating a spool file in " + spool_dir, errno);
  ::unlink(name.c_str());
  return UniqueFd(fd);
}

Status too_large(std::uint64_t max) {
  // EFBIG: exit_code.hpp gives it RFC 3463's 5.3.4 (message too big).
  return fail(ErrorKind::rejected,
              "message is larger than the limit of " + std::to_string(max) +
                  " bytes (deliver.max_message_size)",
              EFBIG);
}

// Zero bytes, or only the mbox From_ line: no message at all (a broken MTA
// pipe or a truncated spool file). Stored, it would be an empty file in the
// user's INBOX; retried, it would never get better: EX_DATAERR (65).
tl::unexpected<Error> nothing_to_deliver(bool had_from_line) {
  return fail(ErrorKind::data, had_from_line
                                   ? "the input holds only the mbox From_ line, no message: refused"
                                   : "the input is empty, no message: refused");
}

// Splits the input stream into the From_ line (if any) and the message.
class Reader {
 public:
  Reader(const InputLimits& limits, const std::string& spool_dir)
      : limits_(limits), spool_dir_(spool_dir), first_line_done_(!limits.from_line) {}

  Status consume(std::string_view chunk) {
    if (!first_line_done_) chunk = take_first_line(chunk);
    if (chunk.empty()) return ok();
    // In memory the text goes straight to its final string: one copy.
    normalizer_.feed(chunk, spool_ ? pending_ : memory_);
    return flush(false);
  }

  Result<Input> finish() {
    if (!first_line_done_) end_first_line();
    normalizer_.finish(spool_ ? pending_ : memory_);
    if (auto flushed = flush(true); !flushed) return tl::unexpected(flushed.error());
    if (!spool_ && memory_.empty()) return nothing_to_deliver(from_sender_.has_value());
    Input input;
    input.from_line_sender = std::move(from_sender_);
    if (!spool_) {
      input.buffer =
          std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(memory_)));
      return input;
    }
    auto mapped = message::Buffer::map_file(spool_.get());
    if (!mapped) return tl::unexpected(mapped.error());
    input.buffer = std::make_shared<const message::Buffer>(std::move(*mapped));
    input.spooled = true;
    return input;
  }

 private:
  // The first line is held until it is complete, to see if it is "From ".
  std::string_view take_first_line(std::string_view chunk) {
    auto lf = chunk.find('\n');
    first_line_.append(chunk.substr(0, lf == std::string_view::npos ? chunk.size() : lf + 1));
    if (lf == std::string_view::npos && first_line_.size() < 4096) return {};
    end_first_line();
    return lf == std::string_view::npos ? std::string_view{} : chunk.substr(lf + 1);
  }

  void end_first_line() {
    first_line_done_ = true;
    if (auto sender = parse_from_line(first_line_)) {
      from_sender_ = std::move(sender);
    } else {
      normalizer_.feed(first_line_, memory_);
    }
    first_line_.clear();
  }

  // Past the spool threshold (by at most one read) the text moves to the
  // spool file and later pieces are batched there.
  Status flush(bool at_end) {
    if (memory_.size() + spooled_ + pending_.size() > limits_.max_size)
      return too_large(limits_.max_size);
    if (!spool_) {
      if (memory_.size() <= limits_.spool_threshold) return ok();
      auto fd = open_spool(spool_dir_);
      if (!fd) return tl::unexpected(fd.error());
      spool_ = std::move(*fd);
      if (auto written = write_all(spool_.get(), memory_); !written) return written;
      spooled_ = memory_.size();
      std::string().swap(memory_);
      return ok();
    }
    // Small pieces are batched into chunk-sized writes.
    if (pending_.size() < kChunk && !at_end) return ok();
    if (auto written = write_all(spool_.get(), pending_); !written) return written;
    spooled_ += pending_.size();
    pending_.clear();
    return ok();
  }

  InputLimits limits_;
  std::string spool_dir_;
  LineEndingNormalizer normalizer_;
  std::string first_line_;
  bool first_line_done_ = false;
  std::optional<std::string> from_sender_;
  std::string pending_;
  std::string memory_;
  UniqueFd spool_;
  std::uint64_t spooled_ = 0;
};

}  // namespace

// Copies runs between CRs whole (memchr), so a large message costs about
// one memcpy, not a loop per byte.
void LineEndingNormalizer::feed(std::string_view in, std::string& out) {
  if (in.empty()) return;
  if (pending_cr_) {
    if (in.front() != '\n') out += '\r';
    pending_cr_ = false;
  }
  while (!in.empty()) {
    const void* found = std::memchr(in.data(), '\r', in.size());
    if (found == nullptr) {
      out.append(in);
      return;
    }
    auto cr = static_cast<std::size_t>(static_cast<const char*>(found) - in.data());
    out.append(in.substr(0, cr));
    if (cr + 1 == in.size()) {
      pending_cr_ = true;  // the LF may start the next read
      return;
    }
    if (in[cr + 1] != '\n') out += '\r';  // a lone CR stays: it is part of the message as sent
    in.remove_prefix(cr + 1);
  }
}

void LineEndingNormalizer::finish(std::string& out) {
  if (pending_cr_) out += '\r';
  pending_cr_ = false;
}

std::optional<std::string> parse_from_line(std::string_view line) {
  if (line.substr(0, 5) != "From ") return std::nullopt;
  line.remove_prefix(5);
  auto end = line.find_first_of(" \t\r\n");
  return normalize_sender(line.substr(0, end));
}

Result<Input> read_message(int fd, const InputLimits& limits, const std::string& spool_dir) {
  Reader reader(limits, spool_dir);
  // Not zero-filled: a small message touches only the pages it is read into.
  auto chunk = std::make_unique_for_overwrite<char[]>(kChunk);
  while (true) {
    auto n = read_some(fd, chunk.get(), kChunk);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) break;
    if (auto consumed = reader.consume(std::string_view(chunk.get(), *n)); !consumed)
      return tl::unexpected(consumed.error());
  }
  return reader.finish();
}

Result<Input> read_message(std::string_view bytes, const InputLimits& limits,
                           const std::string& spool_dir) {
  Reader reader(limits, spool_dir);
  // In read-sized pieces, as from a descriptor: a large message moves to
  // the spool file past the threshold instead of being copied whole first.
  for (std::size_t at = 0; at < bytes.size(); at += kChunk)
    if (auto consumed = reader.consume(bytes.substr(at, kChunk)); !consumed)
      return tl::unexpected(consumed.error());
  return reader.finish();
}

}  // namespace mailroom::deliver
