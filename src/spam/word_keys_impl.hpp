// split_word_keys (token_sink.hpp): split_words for a sink that keeps only
// keys, hashing each word while it is split. The keys are those of the
// words split_words makes (a pinned equality: token_pin_test), but the
// lower-cased copy of a word with upper case and the second pass over its
// bytes to hash it are not made: FNV-1a takes each byte as it is read,
// lower-cased by table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spam/word_split_impl.hpp"

namespace mailroom::spam::detail {

inline constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

// A byte's class for the split: word byte, edge mark, digit, and its
// lower case (ASCII letters only, as ascii_lower).
inline constexpr std::uint8_t kClassWord = 1;
inline constexpr std::uint8_t kClassEdge = 2;
inline constexpr std::uint8_t kClassDigit = 4;
// A word byte that is no edge mark: where a word's hashed bytes begin.
inline constexpr std::uint8_t kClassStart = 8;
struct ByteClasses {
  std::array<std::uint8_t, 256> cls{};
  std::array<std::uint8_t, 256> lower{};
  // A word byte's lower case, 0 for a byte that is no word byte (NUL is
  // none): the word loop's test and its hash input are one load.
  std::array<std::uint8_t, 256> word_lower{};
};
inline constexpr ByteClasses kByteClasses = [] {
  ByteClasses t;
  for (std::size_t b = 0; b < 256; ++b) {
    const auto c = static_cast<char>(b);
    t.cls[b] = static_cast<std::uint8_t>((is_word_byte(c) ? kClassWord : 0) |
                                         (is_edge_mark(c) ? kClassEdge : 0) |
                                         (c >= '0' && c <= '9' ? kClassDigit : 0) |
                                         (is_word_byte(c) && !is_edge_mark(c) ? kClassStart : 0));
    t.lower[b] = static_cast<std::uint8_t>(c >= 'A' && c <= 'Z' ? b + ('a' - 'A') : b);
    t.word_lower[b] = is_word_byte(c) ? t.lower[b] : 0;
  }
  return t;
}();

// fnv1a(h, ascii_lower(bytes)) without the lower-cased copy.
[[nodiscard]] inline std::uint64_t fnv1a_lower(std::uint64_t h, std::string_view bytes) noexcept {
  for (const char c : bytes) {
    h ^= kByteClasses.lower[static_cast<unsigned char>(c)];
    h *= kFnvPrime;
  }
  return h;
}

// Hashes the word bytes from data[i] on into h (FNV-1a of their lower
// case); returns the offset of the first byte that is no word byte, or
// size. Four bytes a step while four remain, so that a byte costs its two
// loads, a test, and the hash's xor and multiply: no bounds test per byte
// (the loop a byte at a time was ~9 instructions a byte, callgrind).
[[nodiscard]] inline std::size_t hash_word_bytes(const unsigned char* data, std::size_t i,
                                                 std::size_t size, std::uint64_t& h) noexcept {
  const auto& word_lower = kByteClasses.word_lower;
  for (; i + 4 <= size; i += 4) {
    std::uint8_t folded = word_lower[data[i]];
    if (folded == 0) return i;
    h = (h ^ folded) * kFnvPrime;
    folded = word_lower[data[i + 1]];
    if (folded == 0) return i + 1;
    h = (h ^ folded) * kFnvPrime;
    folded = word_lower[data[i + 2]];
    if (folded == 0) return i + 2;
    h = (h ^ folded) * kFnvPrime;
    folded = word_lower[data[i + 3]];
    if (folded == 0) return i + 3;
    h = (h ^ folded) * kFnvPrime;
  }
  for (; i < size; ++i) {
    const std::uint8_t folded = word_lower[data[i]];
    if (folded == 0) return i;
    h = (h ^ folded) * kFnvPrime;
  }
  return size;
}

// Calls emit(word, key) per word split_words would emit, in the same
// order: `word` is the word as it lies in the text (not lower-cased; a
// number is its "num:<n>" token) and `key` is fnv1a(start, the word
// split_words emits).
template <class Emit>
void split_word_keys(std::string_view text, std::uint64_t start, Emit&& emit) {
  const auto& cls = kByteClasses.cls;
  const auto* const data = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  NumberToken number{};
  std::size_t i = 0;
  for (;;) {
    // The bytes between words and a word's leading edge marks (trimmed:
    // not hashed) in one test: a word starts at a word byte that is no
    // edge mark. (A run of edge marks alone is no word: skipped too.)
    while (i < size && (cls[data[i]] & kClassStart) == 0) ++i;
    if (i >= size) return;
    const std::size_t first = i;
    std::uint64_t h = start;
    const std::size_t stop = hash_word_bytes(data, i, size, h);
    // data[stop] is no word byte, so no word start: the scan resumes after
    // it (testing it again was ~8 instructions a word).
    i = stop + 1;
    // Trailing edge marks ("end." "x--"): rarer, so hashed again without.
    std::size_t end = stop;
    while ((cls[data[end - 1]] & kClassEdge) != 0) --end;  // data[first] is no edge mark
    std::string_view word(text.data() + first, end - first);
    if (word.size() < 2) continue;
    bool hashed = end == stop;  // h is the key: no trailing edge mark cut off
    if (word.size() > 4 && (cls[data[first]] & kClassDigit) != 0 && all_digits(word)) {
      word = number_token(word.size(), number);
      hashed = false;
    }
    // One call of emit, so that the compiler inlines it (two calls kept it
    // a function: 14 K instructions of a 4 KB message, callgrind).
    emit(word, hashed ? h : fnv1a_lower(start, word));
  }
}

}  // namespace mailroom::spam::detail
