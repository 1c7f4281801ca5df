// Parsing of Maildir++ "maildirsize" (Courier README.maildirquota): line 1
// is the quota definition, every other line "<bytes> <count>" (signed).
#include <charconv>
#include <cstdint>

#include "mailroom/maildir/quota.hpp"

namespace mailroom::maildir {
namespace {

template <class T>
bool parse_number(std::string_view text, T& value) {
  if (text.empty()) return false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, value);
  return ec == std::errc() && end == last;
}

// A delta line beyond this is not a message count or size any mail store
// writes (2^50 bytes = 1 PiB, 2^40 messages): the file is corrupt or forged,
// and the caller recalculates instead of trusting it.
constexpr std::int64_t kAbsurdBytes = std::int64_t{1} << 50;
constexpr std::int64_t kAbsurdCount = std::int64_t{1} << 40;

bool absurd(std::int64_t value, std::int64_t limit) { return value > limit || value < -limit; }

}  // namespace

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? INT64_MAX : INT64_MIN;
}

Result<QuotaDefinition> parse_quota_definition(std::string_view text) {
  QuotaDefinition def;
  bool seen_bytes = false;
  bool seen_count = false;
  if (text.empty()) return fail(ErrorKind::parse, "empty quota definition");
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(start, end - start);
    if (item.size() < 2)
      return fail(ErrorKind::parse, "bad quota definition: " + std::string(text));
    const char unit = item.back();
    std::uint64_t value = 0;
    if (!parse_number(item.substr(0, item.size() - 1), value)) {
      return fail(ErrorKind::parse, "bad quota definition: " + std::string(text));
    }
    if (unit == 'S' && !seen_bytes) {
      def.bytes = value;
      seen_bytes = true;
    } else if (unit == 'C' && !seen_count) {
      def.count = value;
      seen_count = true;
    } else {
      return fail(ErrorKind::parse, "bad quota definition: " + std::string(text));
    }
    start = end + 1;
  }
  return def;
}

Result<Maildirsize> parse_maildirsize(std::string_view content) {
  Maildirsize out;
  const auto first_end = content.find('\n');
  if (first_end == std::string_view::npos)
    return fail(ErrorKind::parse, "maildirsize: no definition line");
  auto def = parse_quota_definition(content.substr(0, first_end));
  if (!def) return tl::unexpected(def.error());
  out.definition = *def;
  std::size_t start = first_end + 1;
  while (start < content.size()) {
    auto end = content.find('\n', start);
    // A last line without newline may be a write in progress: not counted.
    if (end == std::string_view::npos) break;
    const std::string_view line = content.substr(start, end - start);
    start = end + 1;
    // Spaces around the numbers are tolerated: Courier pads with spaces.
    const auto a = line.find_first_not_of(' ');
    const auto sp = line.find(' ', a == std::string_view::npos ? line.size() : a);
    if (a == std::string_view::npos || sp == std::string_view::npos) {
      return fail(ErrorKind::parse, "maildirsize: bad line \"" + std::string(line) + "\"");
    }
    const auto b = line.find_first_not_of(' ', sp);
    const auto b_end = b == std::string_view::npos ? b : line.find(' ', b);
    std::int64_t bytes = 0;
    std::int64_t count = 0;
    if (b == std::string_view::npos || !parse_number(line.substr(a, sp - a), bytes) ||
        !parse_number(line.substr(b, b_end == std::string_view::npos ? line.size() - b : b_end - b),
                      count) ||
        (b_end != std::string_view::npos &&
         line.find_first_not_of(' ', b_end) != std::string_view::npos)) {
      return fail(ErrorKind::parse, "maildirsize: bad line \"" + std::string(line) + "\"");
    }
    if (absurd(bytes, kAbsurdBytes) || absurd(count, kAbsurdCount)) {
      return fail(ErrorKind::parse, "maildirsize: absurd line \"" + std::string(line) + "\"");
    }
    // Saturating: a million absurd-but-allowed lines must not overflow int64
    // (undefined behaviour); a saturated sum is over any limit, and the
    // caller recounts a file that large anyway (Maildir++: over 5120 bytes).
    out.usage.bytes = saturating_add(out.usage.bytes, bytes);
    out.usage.count = saturating_add(out.usage.count, count);
    ++out.lines;
  }
  return out;
}

}  // namespace mailroom::maildir
