// Sequence sets (RFC 3501 section 9, "sequence-set"): "1:3,7,9:*" over
// message sequence numbers or UIDs. Pure, unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace mailroom::server::imap {

struct SequenceSet {
  // Inclusive ranges with '*' already replaced by the largest number in
  // use (the caller's "star"); reversed ranges ("5:2") are put in order.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  [[nodiscard]] bool contains(std::uint32_t n) const;
};

// nullopt when the text is no sequence set. At most 10,000 ranges.
[[nodiscard]] std::optional<SequenceSet> parse_sequence_set(std::string_view text,
                                                            std::uint32_t star);

// "1:3,7" for a sorted list of numbers (COPYUID, APPENDUID).
[[nodiscard]] std::string format_sequence_set(std::vector<std::uint32_t> numbers);

}  // namespace mailroom::server::imap
