#include "server/imap/sequence.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace mailroom::server::imap {
namespace {

constexpr std::size_t kMaxRanges = 10000;

std::optional<std::uint32_t> number(std::string_view text, std::uint32_t star) {
  if (text == "*") return star;
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0)
    return std::nullopt;  // RFC 3501 section 9: nz-number
  return value;
}

}  // namespace

bool SequenceSet::contains(std::uint32_t n) const {
  return std::any_of(ranges.begin(), ranges.end(),
                     [n](const auto& r) { return n >= r.first && n <= r.second; });
}

std::optional<SequenceSet> parse_sequence_set(std::string_view text, std::uint32_t star) {
  SequenceSet out;
  while (true) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    auto colon = item.find(':');
    auto low = number(item.substr(0, colon), star);
    auto high = colon == std::string_view::npos ? low : number(item.substr(colon + 1), star);
    if (!low || !high || out.ranges.size() >= kMaxRanges) return std::nullopt;
    out.ranges.emplace_back(std::min(*low, *high), std::max(*low, *high));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string format_sequence_set(std::vector<std::uint32_t> numbers) {
  std::sort(numbers.begin(), numbers.end());
  std::string out;
  for (std::size_t i = 0; i < numbers.size();) {
    std::size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(numbers[i]);
    if (j > i) out += ':' + std::to_string(numbers[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace mailroom::server::imap
