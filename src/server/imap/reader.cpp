// CommandReader (mailroom/server/imap.hpp): framing commands with literals.
#include <charconv>

#include "mailroom/server/imap.hpp"

namespace mailroom::server::imap {
namespace {

constexpr std::size_t kMaxTag = 64;

// The announcement at the end of a line: "{123}" or "{123+}" (RFC 7888),
// also "~{123}" (literal8, RFC 3516). nullopt when the line ends otherwise.
struct Announcement {
  std::size_t size = 0;
  bool synchronizing = true;
  bool overflow = false;
};

std::optional<Announcement> literal_at_end(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  auto open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  Announcement out;
  if (!digits.empty() && digits.back() == '+') {
    out.synchronizing = false;
    digits.remove_suffix(1);
  }
  if (digits.empty()) return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.size);
  if (ec == std::errc::result_out_of_range) out.overflow = true;
  return out;
}

// The tag of a command that is refused before it is parsed, so that the
// client can match the BAD (RFC 3501 section 7.1: "*" when there is none).
std::string tag_of(std::string_view text) {
  auto space = text.find(' ');
  std::string_view tag = text.substr(0, space);
  if (tag.empty() || tag.size() > kMaxTag || space == std::string_view::npos) return "*";
  for (char c : tag)
    if (!is_atom_char(c) || c == '+') return "*";
  return std::string(tag);
}

}  // namespace

void CommandReader::feed(std::string_view bytes) {
  if (skipping_) {
    auto lf = bytes.find('\n');
    if (lf == std::string_view::npos) return;  // still inside the over-long line
    skipping_ = false;
    bytes.remove_prefix(lf + 1);
  }
  pending_.append(bytes);
}

void CommandReader::reset() {
  scanned_ = 0;
  literal_left_ = 0;
  in_literal_ = false;
}

std::optional<Framed> CommandReader::drop(Framed::Kind kind) {
  Framed out;
  out.kind = kind;
  out.tag = tag_of(pending_);
  return out;
}

std::optional<Framed> CommandReader::next() {
  for (;;) {
    if (in_literal_) {
      if (pending_.size() - scanned_ < literal_left_) return std::nullopt;
      scanned_ += literal_left_;
      in_literal_ = false;
      continue;
    }
    auto lf = pending_.find('\n', scanned_);
    if (lf == std::string::npos) {
      // Over the limit without a line end: drop what we have and the rest
      // of the line as it comes, so memory stays bounded.
      if (pending_.size() - scanned_ <= limits_.max_line + 1) return std::nullopt;
      auto event = drop(Framed::Kind::too_long);
      pending_.clear();
      reset();
      skipping_ = true;
      return event;
    }
    std::size_t end = lf > scanned_ && pending_[lf - 1] == '\r' ? lf - 1 : lf;
    if (end - scanned_ > limits_.max_line || lf + 1 > limits_.max_command) {
      auto event = drop(Framed::Kind::too_long);
      pending_.erase(0, lf + 1);
      reset();
      return event;
    }
    auto literal = literal_at_end(std::string_view(pending_).substr(scanned_, end - scanned_));
    if (!literal) {
      Framed out;
      out.text = pending_.substr(0, end);
      pending_.erase(0, lf + 1);
      reset();
      return out;
    }
    bool too_big = literal->overflow || literal->size > limits_.max_literal ||
                   literal->size > limits_.max_command - (lf + 1);
    if (too_big) {
      // RFC 7888 section 4: a non-synchronizing literal the server will
      // not take is already on its way; the connection cannot be resynced.
      auto event =
          drop(literal->synchronizing ? Framed::Kind::literal_too_big : Framed::Kind::fatal);
      pending_.erase(0, lf + 1);
      reset();
      return event;
    }
    scanned_ = lf + 1;
    in_literal_ = true;
    literal_left_ = literal->size;
    if (literal->synchronizing) {
      Framed out;
      out.kind = Framed::Kind::continuation;
      return out;
    }
  }
}

std::optional<std::string> CommandReader::next_line() {
  auto lf = pending_.find('\n');
  if (lf == std::string::npos) {
    if (pending_.size() <= limits_.max_line + 1) return std::nullopt;
    pending_.clear();
    skipping_ = true;
    return std::string();  // an over-long response is no valid one
  }
  std::size_t end = lf > 0 && pending_[lf - 1] == '\r' ? lf - 1 : lf;
  std::string line = end > limits_.max_line ? std::string() : pending_.substr(0, end);
  pending_.erase(0, lf + 1);
  return line;
}

std::string CommandReader::take_pending() {
  reset();
  return std::exchange(pending_, {});
}

}  // namespace mailroom::server::imap
