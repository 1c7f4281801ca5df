#include "mailroom/net/line_reader.hpp"

#include <algorithm>

namespace mailroom::net {
namespace {

// Octets of the last, unfinished line in `pending`.
std::size_t unfinished_size(const std::string& pending) {
  auto last_lf = pending.rfind('\n');
  return last_lf == std::string::npos ? pending.size() : pending.size() - last_lf - 1;
}

}  // namespace

void LineReader::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (skipping_) {
      auto lf = bytes.find('\n');
      if (lf == std::string_view::npos) return;  // still inside the long line
      skipping_ = false;
      bytes.remove_prefix(lf + 1);
      continue;
    }
    // Keep at most one line's worth (plus CRLF) that has no LF yet.
    std::size_t held = unfinished_size(pending_);
    std::size_t room = max_line_ + 2 > held ? max_line_ + 2 - held : 0;
    auto lf = bytes.find('\n');
    if (lf != std::string_view::npos && lf < room) {
      pending_.append(bytes.substr(0, lf + 1));
      bytes.remove_prefix(lf + 1);
      continue;
    }
    auto take = std::min(room, bytes.size());
    pending_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (!bytes.empty()) {
      // Over the limit with no line end: drop what we hold of this line;
      // complete lines before it stay queued and come out first.
      pending_.resize(pending_.size() - unfinished_size(pending_));
      skipping_ = true;
      too_long_at_.push_back(pending_.size());
    }
  }
}

std::optional<LineEvent> LineReader::next() {
  if (!too_long_at_.empty() && too_long_at_.front() == 0) {
    too_long_at_.pop_front();
    return LineEvent{LineEvent::Kind::too_long, {}};
  }
  auto lf = pending_.find('\n');
  if (lf == std::string::npos) return std::nullopt;
  for (auto& offset : too_long_at_) offset -= std::min(offset, lf + 1);
  std::size_t end = lf;
  if (end > 0 && pending_[end - 1] == '\r') --end;
  LineEvent event;
  if (end > max_line_) {
    event.kind = LineEvent::Kind::too_long;  // a complete line just over the limit
  } else {
    event.text = pending_.substr(0, end);
  }
  pending_.erase(0, lf + 1);
  return event;
}

std::string LineReader::take_pending() {
  std::string out;
  out.swap(pending_);
  too_long_at_.clear();  // those lines are gone; nothing can be handed on of them
  return out;
}

}  // namespace mailroom::net
