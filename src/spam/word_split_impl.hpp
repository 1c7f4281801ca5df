// split_words (token_sink.hpp), a template so the per-byte loop inlines.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "mailroom/util/text.hpp"

namespace mailroom::spam::detail {

[[nodiscard]] constexpr bool is_word_byte(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || u >= 0x80 ||
         c == '$' || c == '%' || c == '\'' || c == '-' || c == '.' || c == '!' || c == '_' ||
         c == '@';
}

// is_word_byte as a table: the split's per-byte test is one load, not a
// chain of comparisons.
inline constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) table[c] = is_word_byte(static_cast<char>(c));
  return table;
}();
[[nodiscard]] inline bool word_byte(char c) noexcept {
  return kWordBytes[static_cast<unsigned char>(c)];
}

[[nodiscard]] constexpr bool all_digits(std::string_view s) noexcept {
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Marks that only count inside a word: "end." and "-x" are "end" and "x".
[[nodiscard]] constexpr bool is_edge_mark(char c) noexcept {
  return c == '\'' || c == '-' || c == '.' || c == '_';
}

// "num:<n>" in place (no std::string per number).
using NumberToken = std::array<char, 24>;
[[nodiscard]] constexpr std::string_view number_token(std::size_t n, NumberToken& buf) noexcept {
  std::size_t at = buf.size();
  do {
    buf[--at] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  constexpr std::string_view kPrefix = "num:";
  at -= kPrefix.size();
  for (std::size_t k = 0; k < kPrefix.size(); ++k) buf[at + k] = kPrefix[k];
  return {buf.data() + at, buf.size() - at};
}

// A word already in lower case (most are) is passed as it lies in the text,
// not copied (std::string::assign per word: 38 K instructions of a 4 KB
// message's tokenizing, callgrind).
template <class Emit>
void split_words(std::string_view text, Emit&& emit) {
  std::string word;  // the lower-cased copy of a word with upper case
  NumberToken number{};
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !word_byte(text[i])) ++i;
    std::size_t end = i;
    bool upper = false;  // an edge mark is no letter: trimming keeps this
    for (; end < text.size() && word_byte(text[end]); ++end)
      upper = upper || (text[end] >= 'A' && text[end] <= 'Z');
    std::string_view raw = text.substr(i, end - i);
    i = end;
    while (!raw.empty() && is_edge_mark(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && is_edge_mark(raw.back())) raw.remove_suffix(1);
    if (raw.size() < 2) continue;
    if (raw.size() > 4 && all_digits(raw)) {
      emit(number_token(raw.size(), number));
      continue;
    }
    if (!upper) {
      emit(raw);
      continue;
    }
    word.assign(raw);
    for (char& c : word) c = ascii_lower(c);
    emit(std::string_view(word));
  }
}

}  // namespace mailroom::spam::detail
