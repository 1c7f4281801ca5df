#include "maildir/unique_name.hpp"

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>

#include "mailroom/util/host.hpp"

namespace mailroom::maildir::detail {
namespace {

std::atomic<std::uint64_t> g_sequence{0};
std::atomic<Clock> g_clock{nullptr};

void append_octal_escape(std::string& out, unsigned char c) {
  out += '\\';
  out += static_cast<char>('0' + ((c >> 6) & 7));
  out += static_cast<char>('0' + ((c >> 3) & 7));
  out += static_cast<char>('0' + (c & 7));
}

}  // namespace

std::string sanitise_hostname(std::string_view host) {
  constexpr std::size_t kMax = 64;
  std::string out;
  for (const char ch : host) {
    const auto c = static_cast<unsigned char>(ch);
    std::string piece;
    if (c == '/' || c == ':' || c == ',' || c == '\\' || c <= 0x20 || c >= 0x7F) {
      append_octal_escape(piece, c);
    } else {
      piece = ch;
    }
    if (out.size() + piece.size() > kMax) break;  // never cut an escape in half
    out += piece;
  }
  return out.empty() ? std::string("localhost") : out;
}

std::string local_hostname() { return sanitise_hostname(host_name()); }

std::string unique_base(const std::string& host) {
  timespec now{};
  if (const Clock clock = g_clock.load(std::memory_order_relaxed)) {
    now = clock();
  } else {
    ::clock_gettime(CLOCK_REALTIME, &now);
  }
  const std::uint64_t q = g_sequence.fetch_add(1, std::memory_order_relaxed);
  std::string out = std::to_string(now.tv_sec);
  out += ".M";
  out += std::to_string(now.tv_nsec / 1000);
  out += 'P';
  out += std::to_string(::getpid());
  out += 'Q';
  out += std::to_string(q);
  out += '.';
  out += host;
  return out;
}

void set_clock_for_testing(Clock clock) { g_clock.store(clock); }
void set_sequence_for_testing(std::uint64_t next) { g_sequence.store(next); }

namespace {

// The byte after position `at` of piece `index`, looking into the next
// non-empty pieces; -1 at the very end.
int byte_after(std::span<const std::string_view> pieces, std::size_t index, std::size_t at) {
  if (at + 1 < pieces[index].size()) return static_cast<unsigned char>(pieces[index][at + 1]);
  for (std::size_t i = index + 1; i < pieces.size(); ++i) {
    if (!pieces[i].empty()) return static_cast<unsigned char>(pieces[i].front());
  }
  return -1;
}

std::uint64_t count_lf(std::string_view piece) {
  std::uint64_t n = 0;
  const char* p = piece.data();
  const char* end = p + piece.size();
  while (p < end) {
    const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    if (lf == nullptr) break;
    ++n;
    p = static_cast<const char*>(lf) + 1;
  }
  return n;
}

}  // namespace

// Whole-piece scans (count, memchr) rather than a loop over every byte: a
// 20 MB message is measured in a few milliseconds.
Sizes measure(std::span<const std::string_view> pieces) {
  Sizes sizes;
  std::uint64_t lf = 0;
  std::uint64_t crlf = 0;
  bool exact = true;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::string_view piece = pieces[i];
    sizes.bytes += piece.size();
    lf += count_lf(piece);
    if (std::memchr(piece.data(), '\0', piece.size()) != nullptr) exact = false;
    for (std::size_t at = piece.find('\r'); at != std::string_view::npos;
         at = piece.find('\r', at + 1)) {
      if (byte_after(pieces, i, at) == '\n') {
        ++crlf;
      } else {
        exact = false;  // a bare CR
      }
    }
  }
  if (exact) sizes.crlf_bytes = sizes.bytes + (lf - crlf);
  return sizes;
}

std::string with_sizes(const std::string& base, const Sizes& sizes) {
  std::string out = base + ",S=" + std::to_string(sizes.bytes);
  if (sizes.crlf_bytes) out += ",W=" + std::to_string(*sizes.crlf_bytes);
  return out;
}

std::optional<std::uint64_t> size_from_name(std::string_view name) {
  const auto colon = name.find(':');
  const std::string_view base = name.substr(0, colon);
  std::size_t pos = 0;
  while ((pos = base.find(",S=", pos)) != std::string_view::npos) {
    pos += 3;
    std::uint64_t value = 0;
    const char* first = base.data() + pos;
    const char* last = base.data() + base.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec == std::errc() && end != first && (end == last || *end == ',')) return value;
  }
  return std::nullopt;
}

}  // namespace mailroom::maildir::detail
